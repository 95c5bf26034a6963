//! `Date` (RFC 3261 §20.17): an RFC 1123 date, always in GMT.

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn two_digits(s: &str, max: u8) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u8>().is_ok_and(|v| v <= max)
}

/// Checks `Sat, 13 Nov 2010 23:29:00 GMT`. The stack never reads the value, but RFC 4475
/// §3.1.2.12 counts another time zone as a malformed message.
pub(crate) fn check(s: &str) -> Result<(), &'static str> {
    let bad = "not an RFC 1123 date";
    let (day, rest) = s.split_once(", ").ok_or(bad)?;
    if !DAYS.contains(&day) {
        return Err(bad);
    }
    let mut it = rest.split(' ');
    let (Some(d), Some(mon), Some(year), Some(time), Some(zone), None) = (
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
    ) else {
        return Err(bad);
    };
    let t: Vec<&str> = time.split(':').collect();
    let time_ok =
        t.len() == 3 && two_digits(t[0], 23) && two_digits(t[1], 59) && two_digits(t[2], 60);
    if !two_digits(d, 31)
        || !MONTHS.contains(&mon)
        || year.len() != 4
        || !year.bytes().all(|b| b.is_ascii_digit())
        || !time_ok
    {
        return Err(bad);
    }
    if zone != "GMT" {
        return Err("time zone is not GMT");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn gmt_only() {
        assert_eq!(check("Sat, 13 Nov 2010 23:29:00 GMT"), Ok(()));
        assert_eq!(
            check("Fri, 01 Jan 2010 16:00:00 EST"),
            Err("time zone is not GMT")
        );
        for bad in [
            "",
            "Sat 13 Nov 2010 23:29:00 GMT",
            "Sun, 13 Nov 2010 24:29:00 GMT",
            "Sat, 13 Foo 2010 23:29:00 GMT",
            "Sat, 3 Nov 2010 23:29:00 GMT",
            "Sat, 13 Nov 2010 23:29:00 GMT x",
        ] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
    }
}
