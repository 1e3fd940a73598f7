//! `cargo xtask playground [--serve] [--port N] [--test]`: builds the playground (the
//! two modules of `rolemap-wasm`, see [`MODULES`], the presets and the static page of
//! `wasm/www/`) into `target/playground/`, and with `--serve` serves it on 127.0.0.1
//! (the playground's one server; `--test` drives the page through it).
//!
//! Installs what is missing: the `wasm32-unknown-unknown` target (rustup),
//! `wasm-bindgen-cli` at exactly the version of the `wasm-bindgen` crate
//! in Cargo.lock (the two must match byte for byte), and binaryen's
//! wasm-opt (npm, `wasm/tools`; needs node and npm).
//!
//! The wasm build uses its own profile, `wasm-playground` (release,
//! optimised for size, LTO, one codegen unit, panics compiled to a trap),
//! given on the command line so the workspace's profiles stay as they are,
//! and rebuilds the standard library for size (see [`BUILD_STD`]; needs
//! rustup's `rust-src`, installed when missing); wasm-bindgen leaves the
//! debug sections out of its output, wasm-opt shrinks its module (see
//! [`WASM_OPT_ARGS`]), and its functions are laid out for gzip (see
//! [`crate::layout`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::tally::{self, Tally};
use crate::{root, run};

/// The wasm target.
const TARGET: &str = "wasm32-unknown-unknown";

/// The size goal of each module as the page downloads it: the precompressed
/// `<module>_bg.wasm.br` (see [`precompress`]), which every current browser
/// takes. The build fails above it.
const MAX_SENT: u64 = 200_000;

/// The most bytes the gzip fallback (`<module>_bg.wasm.gz`, for a client or a
/// server without brotli) may take: a guard against growth, not the goal.
const MAX_GZIP_FALLBACK: u64 = 210_000;

/// `--config` settings defining the `wasm-playground` profile.
const PROFILE: &[&str] = &[
    "profile.wasm-playground.inherits=\"release\"",
    "profile.wasm-playground.opt-level=\"z\"",
    "profile.wasm-playground.lto=true",
    "profile.wasm-playground.codegen-units=1",
    "profile.wasm-playground.panic=\"immediate-abort\"",
    "profile.wasm-playground.debug=false",
];

/// Cargo flags that rebuild the standard library for the module, with its
/// `optimize_for_size` feature, and allow `panic = "immediate-abort"`: a
/// panic becomes the trap it already was on wasm32-unknown-unknown (which
/// prints nothing; the module installs no panic hook), without the panic
/// machinery and its message formatting. 233.7 KB -> 217.1 KB gzipped.
/// Without panic messages, the panics' source locations are not needed
/// either (`-Zlocation-detail=none`, -0.4 KB).
/// These are unstable cargo features: the build runs on the installed
/// toolchain with `RUSTC_BOOTSTRAP=1` (this one command only), and fails
/// loudly if a toolchain renames them.
const BUILD_STD: &[&str] = &[
    "-Zbuild-std=std,panic_abort",
    "-Zbuild-std-features=optimize_for_size",
    "-Zpanic-immediate-abort",
    "--config",
    "build.rustflags=[\"-Zlocation-detail=none\"]",
];

/// Features rustc's wasm32 code uses (its default CPU), which wasm-opt
/// must be told it may keep.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
];

/// What wasm-opt does to wasm-bindgen's module: `-Oz` without the passes
/// that make the gzipped module larger (`-Oz` as it is gives +5%:
/// `reorder-functions` scatters functions that gzip compresses well side
/// by side, inlining copies code, `local-cse`, `merge-similar-functions`
/// and `memory-packing` grow what gzip sends; the skips hold for every
/// round), then twice the control flow rebuilt from scratch (`flatten`,
/// `rereloop`) and `-Oz` again, which finds smaller shapes for rustc's
/// branchy code (-1%; a third round does worse), a whole-program pass that
/// finds the values each call and global can hold (`gufa-optimizing`,
/// -0.4%), constant offsets folded
/// into loads and stores (rustc's data and stack lie above the low 1 KiB of
/// memory, so it is unused: `low-memory-unused`), and functions sorted by
/// their Rust names, which puts the instantiations of one generic function
/// side by side (-2%). About -5% gzipped in all; then the functions are
/// laid out for gzip (see [`LAYOUT_ARGS`]).
const WASM_OPT_ARGS: &[&str] = &[
    "--strip-debug",
    "--strip-producers",
    "--strip-target-features",
    "--low-memory-unused",
    "--skip-pass=reorder-functions",
    "--skip-pass=inlining-optimizing",
    "--skip-pass=inlining",
    "--skip-pass=local-cse",
    "--skip-pass=merge-similar-functions",
    "--skip-pass=memory-packing",
    "-Oz",
    "--flatten",
    "--rereloop",
    "-Oz",
    "--flatten",
    "--rereloop",
    "-Oz",
    "--gufa-optimizing",
    "-Oz",
    "--optimize-added-constants-propagate",
    "--reorder-functions-by-name",
];

/// What wasm-opt does last: it puts the functions in the order of the names
/// [`crate::layout`] gives them, alike functions side by side (-2.5%
/// gzipped against the order by Rust names).
const LAYOUT_ARGS: &[&str] = &["--reorder-functions-by-name"];

/// The npm package of the playground's build tools (binaryen, pinned in its
/// package-lock.json).
const TOOLS_DIR: &str = "wasm/tools";

/// The cargo target directory (respects `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                root().join(d)
            }
        }
        _ => root().join("target"),
    }
}

/// Where the site is written.
pub fn site_dir() -> PathBuf {
    target_dir().join("playground")
}

/// The version of the `wasm-bindgen` crate locked in Cargo.lock.
fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package: is `wasm` a workspace member?".into())
}

/// Output of a command, when it runs and succeeds.
fn output(program: &str, args: &[&str]) -> Option<String> {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Installs the wasm target and wasm-bindgen-cli when missing.
pub fn ensure_tools() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).ok_or(
        "rustup is needed to add the wasm32-unknown-unknown target: install Rust with rustup",
    )?;
    if !installed.lines().any(|l| l.trim() == TARGET) {
        run("rustup", &["target", "add", TARGET])?;
    }
    // The standard library's source, which `-Zbuild-std` compiles.
    let components = output("rustup", &["component", "list", "--installed"]).unwrap_or_default();
    if !components.lines().any(|l| l.trim().starts_with("rust-src")) {
        run("rustup", &["component", "add", "rust-src"])?;
    }
    let want = locked_wasm_bindgen()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    // `wasm-bindgen 0.2.130`
    if have.split_whitespace().nth(1) != Some(want.as_str()) {
        let version = format!("={want}");
        let args = [
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--locked",
            "--force",
        ];
        eprintln!("+ cargo {}", args.join(" "));
        // Its output is shown only when it installs; a failure is said below.
        let locked = Command::new("cargo")
            .args(args)
            .current_dir(root())
            .output()
            .is_ok_and(|o| o.status.success());
        if !locked {
            // The CLI's own lock file can name a release the registry no
            // longer serves (yanked); the CLI version itself stays exact.
            eprintln!("xtask: wasm-bindgen-cli {want} could not be installed with the versions its own lock file names (one may have been withdrawn from crates.io); installing the same version with current compatible dependencies instead");
            run(
                "cargo",
                &[
                    "install",
                    "wasm-bindgen-cli",
                    "--version",
                    &version,
                    "--force",
                ],
            )?;
        }
    }
    Ok(())
}

/// binaryen's wasm-opt from npm (its WebAssembly build, run by node; the
/// version pinned in `wasm/tools/package-lock.json`), installed with
/// `npm ci` when missing. Never skipped: without it the module is over its
/// budget.
fn ensure_wasm_opt() -> Result<PathBuf, String> {
    let wasm_opt = root()
        .join(TOOLS_DIR)
        .join("node_modules/binaryen/bin/wasm-opt");
    if wasm_opt.exists() {
        return Ok(wasm_opt);
    }
    if !crate::have("node") || !crate::have("npm") {
        return Err("the playground's module is optimized with binaryen's wasm-opt, installed from npm: install Node.js 20 (node and npm)".into());
    }
    run(
        "npm",
        &["ci", "--prefix", TOOLS_DIR, "--no-audit", "--no-fund"],
    )?;
    if wasm_opt.exists() {
        Ok(wasm_opt)
    } else {
        Err(format!(
            "`npm ci --prefix {TOOLS_DIR}` ran but {} is missing",
            wasm_opt.display()
        ))
    }
}

/// Runs wasm-opt with `passes` over `module`, in place (it writes no
/// function names).
fn wasm_opt(wasm_opt: &Path, module: &Path, passes: &[&str]) -> Result<(), String> {
    let tool = wasm_opt.display().to_string();
    let input = module.display().to_string();
    let optimized = module.with_extension("opt.wasm");
    let output = optimized.display().to_string();
    let mut args: Vec<&str> = vec![tool.as_str()];
    args.extend(WASM_FEATURES);
    args.extend(passes);
    args.extend([input.as_str(), "-o", output.as_str()]);
    run("node", &args)?;
    std::fs::rename(&optimized, module)
        .map_err(|e| format!("cannot move {output} to {}: {e}", module.display()))
}

/// Writes `module`'s precompressed twins beside it, for a server to send as
/// they are (nginx's `brotli_static`/`gzip_static`, Caddy's `precompressed
/// br gzip`, and [`start`]'s server):
/// - `<module>.br`, brotli at its best quality (11) with its largest window
///   that browsers decode (2^24 bytes, more than the module): what the page
///   downloads in every current browser (`Content-Encoding: br`);
/// - `<module>.gz`, the fallback for a client without brotli, compressed
///   with zopfli (the DEFLATE encoder that searches hardest; its output is
///   ordinary gzip): 5% smaller than gzip's best level. The module is split
///   into as many DEFLATE blocks as zopfli finds worth it (each block has
///   Huffman codes of its own, fitted to its stretch of code or data), not
///   at most 15 as by default (`u16::MAX`: in this crate 0 means no split
///   at all, not no limit as in zopfli's C library), and each block is
///   searched 50 times, not 15: -0.2% and -0.4% against the defaults;
///   about 10 s.
fn precompress(module: &Path) -> Result<(), String> {
    let bytes = read(module)?;
    write(&twin(module, Encoding::Brotli), brotli_best(&bytes)?)?;
    let mut out = Vec::new();
    zopfli::compress(
        zopfli::Options {
            iteration_count: std::num::NonZeroU64::new(50).expect("not zero"),
            maximum_block_splits: u16::MAX,
            ..zopfli::Options::default()
        },
        zopfli::Format::Gzip,
        &bytes[..],
        &mut out,
    )
    .map_err(|e| format!("zopfli: {e}"))?;
    write(&twin(module, Encoding::Gzip), out)
}

/// `bytes` compressed with brotli at quality 11 and a 2^24-byte window.
fn brotli_best(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..brotli::enc::BrotliEncoderParams::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map_err(|e| format!("brotli: {e}"))?;
    Ok(out)
}

/// A content coding the server sends precompressed files in, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// Best first: the server sends the first one the client takes.
    const PREFERRED: [Encoding; 2] = [Encoding::Brotli, Encoding::Gzip];

    /// The name in `Accept-Encoding` and `Content-Encoding`.
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// The precompressed file's extension.
    fn extension(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gz",
        }
    }
}

/// The precompressed twin of `file` in `encoding` (`<file>.br`, `<file>.gz`).
fn twin(file: &Path, encoding: Encoding) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(encoding.extension());
    PathBuf::from(name)
}

/// Size of `bytes` gzipped on the fly at gzip's best level (what a server
/// that compresses each response itself sends).
fn gzip_best_len(bytes: &[u8]) -> Result<u64, String> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).map_err(|e| format!("gzip: {e}"))?;
    let out = enc.finish().map_err(|e| format!("gzip: {e}"))?;
    Ok(out.len() as u64)
}

fn read(file: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))
}

fn write(file: &Path, bytes: Vec<u8>) -> Result<(), String> {
    std::fs::write(file, bytes).map_err(|e| format!("cannot write {}: {e}", file.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest)
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The sections of `module` but its custom sections `name` and `producers`
/// (function names and tool versions: debugging aids the page does not
/// need), to be written out with [`wasm_encoder::Module::finish`].
fn without_names(module: &[u8]) -> Result<wasm_encoder::Module, String> {
    let mut out = wasm_encoder::Module::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let payload = payload.map_err(|e| format!("not a well-formed wasm module: {e}"))?;
        if let wasmparser::Payload::CustomSection(c) = &payload {
            if matches!(c.name(), "name" | "producers") {
                continue;
            }
        }
        if let Some((id, range)) = payload.as_section() {
            let data = &module[range.start as usize..range.end as usize];
            out.section(&wasm_encoder::RawSection { id, data });
        }
    }
    Ok(out)
}

/// One of the page's WebAssembly modules: `pkg/<name>.js` (wasm-bindgen's
/// glue) and `pkg/<name>_bg.wasm` (with its `.br` and `.gz`), built from
/// `rolemap-wasm` with `features`. Each must be within [`MAX_SENT`] as sent.
pub struct Module {
    /// The file name stem.
    pub name: &'static str,
    /// Cargo's feature arguments for `rolemap-wasm`.
    features: &'static [&'static str],
}

/// The page's modules: the Pangolin module, loaded at start, and the
/// Grafana module, which the worker loads only when the Grafana target is
/// chosen. Each is within the budget on its own.
pub const MODULES: [Module; 2] = [
    Module {
        name: "rolemap_wasm",
        features: &["--no-default-features", "--features", "pangolin"],
    },
    Module {
        name: "rolemap_grafana",
        features: &["--no-default-features", "--features", "grafana"],
    },
];

/// A built module's sizes, in bytes.
pub struct Sizes {
    /// The optimised `.wasm`.
    pub raw: u64,
    /// Its `.br`: what the page downloads in a browser that takes brotli.
    pub sent: u64,
    /// Its `.gz`: what a client without brotli downloads.
    pub gzip_fallback: u64,
    /// Gzipped on the fly at gzip's best level (a server that compresses
    /// each response itself and has no brotli).
    pub gzip_on_the_fly: u64,
}

impl Module {
    /// The optimised module in the site.
    pub fn wasm(&self) -> PathBuf {
        site_dir()
            .join("pkg")
            .join(format!("{}_bg.wasm", self.name))
    }

    /// The sizes of the built module and of its precompressed twins.
    pub fn sizes(&self) -> Result<Sizes, String> {
        let wasm = self.wasm();
        let bytes = read(&wasm)?;
        let len = |encoding| {
            let file = twin(&wasm, encoding);
            std::fs::metadata(&file)
                .map(|m| m.len())
                .map_err(|e| format!("{}: {e}: run `cargo xtask playground`", file.display()))
        };
        Ok(Sizes {
            raw: bytes.len() as u64,
            sent: len(Encoding::Brotli)?,
            gzip_fallback: len(Encoding::Gzip)?,
            gzip_on_the_fly: gzip_best_len(&bytes)?,
        })
    }

    /// Compiles the module; gives cargo's JSON messages.
    fn compile(&self) -> Result<String, String> {
        let mut args = vec![
            "build",
            "--package",
            "rolemap-wasm",
            "--lib",
            "--target",
            TARGET,
            "--profile",
            "wasm-playground",
        ];
        args.extend(self.features);
        for setting in PROFILE {
            args.push("--config");
            args.push(setting);
        }
        args.extend(BUILD_STD);
        // Cargo's messages on stdout name the build script's output folder,
        // which holds the presets (`presets.json`).
        args.push("--message-format=json-render-diagnostics");
        eprintln!("+ RUSTC_BOOTSTRAP=1 cargo {}", args.join(" "));
        let out = Command::new("cargo")
            .args(&args)
            .env("RUSTC_BOOTSTRAP", "1")
            .current_dir(root())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "the wasm build of {} failed ({})",
                self.name, out.status
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Compiles the module into `pkg` (wasm-bindgen), shrinks it (wasm-opt),
    /// lays its functions out for gzip and compresses it; gives cargo's
    /// JSON messages.
    fn build(&self, wasm_opt_tool: &Path, pkg: &Path) -> Result<String, String> {
        let messages = self.compile()?;
        let wasm = target_dir()
            .join(TARGET)
            .join("wasm-playground")
            .join("rolemap_wasm.wasm");
        let wasm_arg = wasm.display().to_string();
        let pkg_arg = pkg.display().to_string();
        run(
            "wasm-bindgen",
            &[
                "--target",
                "web",
                "--no-typescript",
                "--out-dir",
                &pkg_arg,
                "--out-name",
                self.name,
                &wasm_arg,
            ],
        )?;
        let module = self.wasm();
        wasm_opt(wasm_opt_tool, &module, WASM_OPT_ARGS)?;
        let in_module = |e: String| format!("{}: {e}", module.display());
        let bytes = read(&module)?;
        let mut named = without_names(&bytes).map_err(in_module)?;
        named.section(&crate::layout::name_section(&bytes).map_err(in_module)?);
        write(&module, named.finish())?;
        wasm_opt(wasm_opt_tool, &module, LAYOUT_ARGS)?;
        let stripped = without_names(&read(&module)?).map_err(in_module)?;
        write(&module, stripped.finish())?;
        precompress(&module)?;
        Ok(messages)
    }
}

/// The presets file the wasm crate's build script wrote, found in cargo's
/// JSON messages (`build-script-executed`, with its `out_dir`).
fn presets_file(messages: &str) -> Result<PathBuf, String> {
    messages
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "build-script-executed")
        .filter(|m| {
            m["package_id"]
                .as_str()
                .is_some_and(|id| id.contains("rolemap-wasm@"))
        })
        .find_map(|m| {
            m["out_dir"]
                .as_str()
                .map(|d| Path::new(d).join("presets.json"))
        })
        .filter(|p| p.is_file())
        .ok_or_else(|| "the wasm build wrote no presets.json (wasm/build.rs)".to_string())
}

/// Builds the site into [`site_dir`]; fails when a module is over budget.
pub fn build() -> Result<PathBuf, String> {
    ensure_tools()?;
    let wasm_opt_tool = ensure_wasm_opt()?;
    let site = site_dir();
    let pkg = site.join("pkg");
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg)
            .map_err(|e| format!("cannot empty {}: {e}", pkg.display()))?;
    }
    let mut presets = None;
    for module in &MODULES {
        let messages = module.build(&wasm_opt_tool, &pkg)?;
        if presets.is_none() {
            presets = Some(presets_file(&messages)?);
        }
    }
    let presets = presets.ok_or("no module was built")?;
    copy_dir(&root().join("wasm/www"), &site)?;
    let examples = site.join("examples.json");
    std::fs::copy(&presets, &examples).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            presets.display(),
            examples.display()
        )
    })?;
    let mut over = Vec::new();
    for module in &MODULES {
        let size = module.sizes()?;
        eprintln!(
            "playground: {}_bg.wasm: {} bytes; {} bytes as sent (.wasm.br) = {:.1} KiB; \
             {} bytes gzip fallback (.wasm.gz); {} bytes gzipped on the fly at gzip's best level",
            module.name,
            size.raw,
            size.sent,
            size.sent as f64 / 1024.0,
            size.gzip_fallback,
            size.gzip_on_the_fly,
        );
        if size.sent > MAX_SENT {
            over.push(format!(
                "{} is {} bytes as sent (brotli), over the budget of {MAX_SENT} bytes",
                module.name, size.sent
            ));
        }
        if size.gzip_fallback > MAX_GZIP_FALLBACK {
            over.push(format!(
                "{}'s gzip fallback is {} bytes, over its guard of {MAX_GZIP_FALLBACK} bytes",
                module.name, size.gzip_fallback
            ));
        }
    }
    eprintln!("playground: {}", site.display());
    if !over.is_empty() {
        return Err(format!(
            "{}: find what grew (`twiggy top` on a build with names) and make it smaller; \
             the README's Playground section lists what keeps the modules small",
            over.join("; ")
        ));
    }
    Ok(site)
}

/// The content type of a file, by extension.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `site`, never outside it.
fn resolve(site: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut out = site.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

/// Whether an `Accept-Encoding` header value takes `encoding`: listed by
/// name with a weight above 0, or not listed and `*` is.
fn accepts(value: &str, encoding: Encoding) -> bool {
    let weight = |wanted: &str| {
        value.split(',').find_map(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            coding.eq_ignore_ascii_case(wanted).then(|| {
                parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0))
            })
        })
    };
    weight(encoding.token())
        .or_else(|| weight("*"))
        .is_some_and(|q| q > 0.0)
}

fn respond(mut stream: TcpStream, site: &Path) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The headers: only the encodings the client takes matter.
    let mut accepted = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("accept-encoding") {
                accepted.push_str(value.trim());
                accepted.push(',');
            }
        }
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let found = resolve(site, target).and_then(|p| {
        // A precompressed twin (the module's, see `precompress`) in the
        // best encoding the client takes goes out as it is.
        let encoding = Encoding::PREFERRED
            .into_iter()
            .find(|&e| accepts(&accepted, e) && twin(&p, e).is_file());
        let file = encoding.map_or_else(|| p.clone(), |e| twin(&p, e));
        let mut body = Vec::new();
        std::fs::File::open(&file)
            .and_then(|mut f| f.read_to_end(&mut body))
            .ok()
            .map(|_| (p, encoding, body))
    });
    let (status, kind, encoding, body) = match found {
        Some((p, encoding, body)) => ("200 OK", content_type(&p), encoding, body),
        None => ("404 Not Found", "text/plain", None, b"not found\n".to_vec()),
    };
    let encoding = encoding
        .map(|e| format!("Content-Encoding: {}\r\n", e.token()))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n{encoding}Vary: Accept-Encoding\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

/// Listens on 127.0.0.1:`port` (0: any free port) and serves `site` from a
/// thread of its own; gives the port. The one static server of the
/// playground: `--serve` runs it, and the end-to-end test drives the page
/// through it.
fn start(site: &Path, port: u16) -> Result<u16, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("cannot read the server's address: {e}"))?
        .port();
    let site = site.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = site.clone();
            std::thread::spawn(move || respond(stream, &site));
        }
    });
    Ok(port)
}

/// Serves `site` on 127.0.0.1:`port` until interrupted.
fn serve(site: &Path, port: u16) -> Result<(), String> {
    let port = start(site, port)?;
    println!("playground: http://127.0.0.1:{port}/  (Ctrl-C stops)");
    loop {
        std::thread::park();
    }
}

/// `cargo xtask playground [--serve] [--port N] [--test]` (`--test`: build,
/// then run only the playground's tests, as `cargo xtask test` does last).
pub fn main(args: &[String]) -> Result<(), String> {
    let mut serve_it = false;
    let mut test_only = false;
    let mut port: u16 = 8765;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--serve" => serve_it = true,
            "--test" => test_only = true,
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number (0: any free port)")?;
            }
            other => {
                return Err(format!(
                "unknown argument `{other}`: usage: cargo xtask playground [--serve] [--port N] [--test]"
            ))
            }
        }
    }
    if test_only {
        return test().1;
    }
    let site = build()?;
    if serve_it {
        serve(&site, port)?;
    } else {
        println!("playground: open {}/index.html through a web server, or run `cargo xtask playground --serve`", site.display());
    }
    Ok(())
}

/// Whether this process runs as root (may install Debian packages).
pub(crate) fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|s| s.trim() == "0")
}

/// Debian's Chromium, for the end-to-end test (installed with apt-get when
/// missing and running as root; otherwise a failure naming the fix).
fn ensure_chromium() -> Result<PathBuf, String> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.exists() {
        return Ok(path);
    }
    if !is_root() {
        return Err("the playground's end-to-end test needs Chromium at /usr/bin/chromium: run `apt-get install -y chromium` as root".into());
    }
    eprintln!("xtask: installing Debian's `chromium` (apt-get, without recommended packages; installed packages are not upgraded): the playground's end-to-end test drives the page in headless Chromium");
    run("apt-get", &["update"])?;
    run(
        "apt-get",
        &["install", "-y", "--no-install-recommends", "chromium"],
    )?;
    if path.exists() {
        Ok(path)
    } else {
        Err("apt-get installed chromium but /usr/bin/chromium is missing".into())
    }
}

/// The playground's tests, after the cargo tests: builds the site, serves it
/// (the server of `--serve`, on a free port, `PLAYGROUND_URL`), then runs
/// `wasm/e2e` with node's test runner (the end-to-end test in headless
/// Chromium, and the agreement test of the page's simulators with
/// `rolemap simulate --output json`). Every prerequisite is installed or
/// the run fails; nothing is skipped.
pub fn test() -> (Tally, Result<(), String>) {
    match prepare_test() {
        Ok((site, chromium, rolemap)) => {
            let (site, chromium, rolemap) = (
                site.display().to_string(),
                chromium.display().to_string(),
                rolemap.display().to_string(),
            );
            let examples = root().join("examples").display().to_string();
            // `{"<module>_bg.wasm": budget, ...}`, for the end-to-end test.
            let budgets = serde_json::Value::Object(
                MODULES
                    .iter()
                    .map(|m| (format!("{}_bg.wasm", m.name), MAX_SENT.into()))
                    .collect(),
            )
            .to_string();
            let url = match start(Path::new(&site), 0) {
                Ok(port) => format!("http://127.0.0.1:{port}/"),
                Err(e) => {
                    let r = Err(e);
                    return (Tally::of(&r), r);
                }
            };
            tally::run_counted(
                "node",
                &["--test", "--test-concurrency=1", "wasm/e2e/"],
                &[
                    ("PLAYGROUND_DIR", &site),
                    ("PLAYGROUND_URL", &url),
                    ("PLAYGROUND_BUDGETS", &budgets),
                    ("ROLEMAP_BIN", &rolemap),
                    ("CHROMIUM", &chromium),
                    ("EXAMPLES_DIR", &examples),
                ],
            )
        }
        Err(e) => {
            let r = Err(e);
            (Tally::of(&r), r)
        }
    }
}

/// What the playground's tests need: the site, Chromium, the `rolemap`
/// binary (paths of each).
fn prepare_test() -> Result<(PathBuf, PathBuf, PathBuf), String> {
    let site = build()?;
    let chromium = ensure_chromium()?;
    let e2e = root().join("wasm/e2e");
    if !e2e
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        run(
            "npm",
            &["ci", "--prefix", "wasm/e2e", "--no-audit", "--no-fund"],
        )?;
    }
    run(
        "cargo",
        &["build", "--package", "rolemap-cli", "--bin", "rolemap"],
    )?;
    let rolemap = target_dir().join("debug").join("rolemap");
    Ok((site, chromium, rolemap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        use Encoding::{Brotli, Gzip};
        assert!(accepts("gzip, deflate, br, zstd", Brotli));
        assert!(accepts("gzip, deflate, br, zstd", Gzip));
        assert!(accepts("br;q=1.0, GZIP;q=0.5", Gzip));
        assert!(accepts("*", Gzip) && accepts("*", Brotli));
        assert!(!accepts("gzip;q=0, identity", Gzip));
        assert!(!accepts("br;q=0, *", Brotli));
        assert!(accepts("br;q=0, *", Gzip));
        assert!(!accepts("identity", Gzip));
        assert!(!accepts("x-gzip-not", Gzip));
        assert!(!accepts("gzip", Brotli));
    }

    /// The response to `GET /m.wasm` with `accept_encoding` from a server
    /// over a site with the module and its two twins: (Content-Encoding,
    /// body).
    fn fetch_module(site: &Path, accept_encoding: Option<&str>) -> (Option<String>, Vec<u8>) {
        let port = start(site, 0).expect("the server starts");
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("it accepts");
        let header = accept_encoding.map_or(String::new(), |v| format!("Accept-Encoding: {v}\r\n"));
        write!(stream, "GET /m.wasm HTTP/1.1\r\nHost: x\r\n{header}\r\n").expect("request");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("response");
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("headers end");
        let head = String::from_utf8_lossy(&response[..split]).into_owned();
        let encoding = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Encoding: "))
            .map(str::to_string);
        (encoding, response[split + 4..].to_vec())
    }

    #[test]
    fn the_server_sends_the_best_twin_the_client_takes() {
        let site = std::env::temp_dir().join(format!("rolemap-serve-{}", std::process::id()));
        std::fs::create_dir_all(&site).expect("temp dir");
        let module = site.join("m.wasm");
        std::fs::write(&module, b"raw").expect("write");
        std::fs::write(twin(&module, Encoding::Brotli), b"brotli").expect("write");
        std::fs::write(twin(&module, Encoding::Gzip), b"gzip").expect("write");
        let chromium = "gzip, deflate, br, zstd";
        assert_eq!(
            fetch_module(&site, Some(chromium)),
            (Some("br".into()), b"brotli".to_vec())
        );
        assert_eq!(
            fetch_module(&site, Some("gzip")),
            (Some("gzip".into()), b"gzip".to_vec())
        );
        assert_eq!(
            fetch_module(&site, Some("identity")),
            (None, b"raw".to_vec())
        );
        assert_eq!(fetch_module(&site, None), (None, b"raw".to_vec()));
        std::fs::remove_file(twin(&module, Encoding::Brotli)).expect("remove");
        assert_eq!(
            fetch_module(&site, Some(chromium)),
            (Some("gzip".into()), b"gzip".to_vec())
        );
        std::fs::remove_dir_all(&site).expect("clean up");
    }

    #[test]
    fn brotli_output_decodes_to_the_input() {
        let input: Vec<u8> = (0..100_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let packed = brotli_best(&input).expect("compresses");
        assert!(packed.len() < input.len() / 10);
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut unpacked).expect("decodes");
        assert_eq!(unpacked, input);
    }

    #[test]
    fn names_and_producers_are_dropped_and_the_rest_kept_as_it_was() {
        let custom = |name: &str, data: &[u8]| {
            let mut body = vec![name.len() as u8];
            body.extend(name.as_bytes());
            body.extend(data);
            let mut s = vec![0, body.len() as u8];
            s.extend(body);
            s
        };
        let header = [0, 97, 115, 109, 1, 0, 0, 0];
        let types = [1, 4, 1, 96, 0, 0]; // () -> ()
        let mut module = header.to_vec();
        module.extend(types);
        module.extend(custom("name", &[1, 2, 3]));
        module.extend(custom("producers", &[4]));
        module.extend(custom("kept", &[5, 6]));
        let out = without_names(&module).expect("well-formed").finish();
        let mut want = header.to_vec();
        want.extend(types);
        want.extend(custom("kept", &[5, 6]));
        assert_eq!(out, want);
        assert!(without_names(b"\0asm").is_err());
    }
}
