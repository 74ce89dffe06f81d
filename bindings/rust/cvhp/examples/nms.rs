//! `cargo run --example nms`: the library version and torchvision-exact NMS
//! of three boxes (cargo test compiles this example).
fn main() -> Result<(), cvhp::Error> {
    let boxes = [[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [20.0, 20.0, 30.0, 30.0]];
    let keep = cvhp::nms(&boxes, &[0.9, 0.8, 0.7], 0.5)?;
    println!("libcvhp {}: kept {:?}", cvhp::version(), keep);
    Ok(())
}
