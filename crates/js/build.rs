//! `cfg(browser)`: the feature `browser` on the browser's target, where the
//! browser answers Unicode questions (src/unicode.rs).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(browser)");
    let feature = std::env::var_os("CARGO_FEATURE_BROWSER").is_some();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if feature && arch == "wasm32" && os == "unknown" {
        println!("cargo::rustc-cfg=browser");
    }
}
