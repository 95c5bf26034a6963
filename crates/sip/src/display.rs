//! Text from the network that the agent reads (display names, conference rosters): a peer
//! chooses it, so it is capped in length and stripped of what could disguise it. Bidi
//! overrides and isolates can make `+1 555 0100` read as another number or push a real name
//! out of sight (caller-ID spoofing, CVE-2021-42574 style); control characters can break
//! the line it is shown in.

/// The most characters of a name shown to the agent.
pub const MAX_DISPLAY_CHARS: usize = 64;

/// `raw` as it may be shown: no control, bidi-formatting or invisible characters, trimmed,
/// and at most [`MAX_DISPLAY_CHARS`] characters (a longer one ends in `…`).
pub fn display_text(raw: &str) -> String {
    let visible: Vec<char> = raw.chars().filter(|c| !hidden(*c)).collect();
    let text: String = visible.iter().collect();
    let text = text.trim();
    if text.chars().count() <= MAX_DISPLAY_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_DISPLAY_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// Characters with no place in a name on screen.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}'                 // Arabic letter mark
            | '\u{200B}'..='\u{200F}'  // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}'  // bidi embeddings and overrides
            | '\u{2060}'..='\u{2069}'  // word joiner, invisible operators, bidi isolates
            | '\u{FEFF}'               // zero-width no-break space
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bidi_and_control_characters() {
        assert_eq!(display_text("Alice\u{202E}0010 555"), "Alice0010 555");
        assert_eq!(display_text("\u{2067}Bob\u{2069}\r\n"), "Bob");
        assert_eq!(display_text("Ca\u{200B}rol\u{0007}"), "Carol");
        assert_eq!(display_text("  José Núñez  "), "José Núñez");
    }

    #[test]
    fn caps_the_length() {
        let long = "x".repeat(500);
        let shown = display_text(&long);
        assert_eq!(shown.chars().count(), MAX_DISPLAY_CHARS);
        assert!(shown.ends_with('…'));
        let exact = "é".repeat(MAX_DISPLAY_CHARS);
        assert_eq!(display_text(&exact), exact);
    }
}
