//! The SDK (`www/embed/softphone.js`) and its declarations (`www/embed/softphone.d.ts`)
//! cannot drift: every name the module exports is declared, and nothing more.

use std::collections::BTreeSet;

fn read(rel: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/embed/");
    std::fs::read_to_string(format!("{path}{rel}")).unwrap()
}

/// Names after `export class|const|function` (JS) or `export declare class|const` (d.ts).
fn exported(text: &str, prefix: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter_map(|rest| {
            let rest = ["class ", "const ", "function ", "async function "]
                .iter()
                .find_map(|k| rest.strip_prefix(k))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

#[test]
fn every_export_of_the_sdk_is_declared() {
    let js = exported(&read("softphone.js"), "export ");
    let dts = exported(&read("softphone.d.ts"), "export declare ");
    assert!(js.contains("Softphone"), "{js:?}");
    assert_eq!(
        js, dts,
        "softphone.js exports vs softphone.d.ts declarations"
    );
}

#[test]
fn every_method_of_the_sdk_is_declared() {
    let js = read("softphone.js");
    let dts = read("softphone.d.ts");
    let class = js.split("export class Softphone").nth(1).unwrap();
    for line in class.lines() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let name: String = t
            .trim_start_matches("static ")
            .trim_start_matches("async ")
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        let is_method = indent == 2 && t.contains('(') && t.ends_with('{');
        // `receive` is the message listener's, not the page's.
        if is_method && !["constructor", "receive", ""].contains(&name.as_str()) {
            assert!(
                dts.contains(&format!("  {name}("))
                    || dts.contains(&format!("  static {name}("))
                    || dts.contains(&format!("  {name}<")),
                "{name} is not declared"
            );
        }
    }
}
