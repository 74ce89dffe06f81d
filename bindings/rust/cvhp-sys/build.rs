//! Finds libcvhp with the `pkg-config` binary (PKG_CONFIG_PATH is honoured,
//! so the build tree's uninstalled cvhp.pc works), or in CVHP_LIB_DIR.
//! With CVHP_STATIC=1 it links the static library and translates
//! `-fopenmp` from Libs.private into `gomp`.
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CVHP_LIB_DIR");
    println!("cargo:rerun-if-env-changed=CVHP_STATIC");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let statik = env::var("CVHP_STATIC").map(|v| v == "1").unwrap_or(false);
    if let Ok(dir) = env::var("CVHP_LIB_DIR") {
        println!("cargo:rustc-link-search=native={dir}");
        println!("cargo:rustc-link-lib={}=cvhp", if statik { "static" } else { "dylib" });
        return;
    }
    let mut args = vec!["--libs"];
    if statik {
        args.push("--static");
    }
    args.push("cvhp");
    let out = Command::new(env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".into()))
        .args(&args)
        .output()
        .expect("cvhp-sys: cannot run pkg-config (set CVHP_LIB_DIR to libcvhp's directory instead)");
    if !out.status.success() {
        panic!("cvhp-sys: pkg-config cannot find cvhp: {}", String::from_utf8_lossy(&out.stderr));
    }
    for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            let kind = if statik && lib == "cvhp" { "static" } else { "dylib" };
            println!("cargo:rustc-link-lib={kind}={lib}");
        } else if flag == "-fopenmp" {
            println!("cargo:rustc-link-lib=dylib=gomp"); /* gcc's OpenMP runtime */
        } else if flag == "-pthread" {
            println!("cargo:rustc-link-lib=dylib=pthread");
        }
    }
}
