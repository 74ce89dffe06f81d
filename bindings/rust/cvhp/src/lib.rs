//! Safe Rust API for libcvhp.
//!
//! ```
//! let mut cfg = cvhp::Config::new(cvhp::Task::ObjectDetection).unwrap();
//! cfg.set("model_name", "yolov5").unwrap();
//! assert_eq!(cfg.get_f64("learning_rate").unwrap(), 0.01);
//! let keep = cvhp::nms(&[[0., 0., 10., 10.], [1., 1., 11., 11.]], &[0.9, 0.8], 0.5).unwrap();
//! assert_eq!(keep, vec![0]);
//! ```
use cvhp_sys as sys;

/// The Rust examples of docs/rust.md, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/rust.md")]
pub struct DocsRustMd;

/// The Rust example of README.md, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../../../README.md")]
pub struct Readme;

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::ptr;

/// A libcvhp error: the status code, its symbolic name and the library's
/// detail message ("learning_rate: 1.5 is outside [0, 1]").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub status: i32,
    pub name: String,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.name)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn cstr(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

fn check(status: i32) -> Result<()> {
    if status == sys::CVHP_OK {
        return Ok(());
    }
    unsafe {
        Err(Error {
            status,
            name: cstr(sys::cvhp_status_name(status)),
            message: cstr(sys::cvhp_last_error_message()),
        })
    }
}

fn c(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error {
        status: sys::CVHP_ERR_INVALID_ARGUMENT,
        name: "CVHP_ERR_INVALID_ARGUMENT".into(),
        message: format!("{s:?}: contains a NUL byte"),
    })
}

/// The library's two-call string pattern: the first call (no buffer) says
/// how many bytes the text needs, NUL included; the second fills them.
fn two_call_string(call: impl Fn(*mut c_char, usize, *mut usize) -> i32) -> Result<String> {
    let mut need = 0usize;
    let st = call(ptr::null_mut(), 0, &mut need);
    if st != sys::CVHP_ERR_BUFFER_TOO_SMALL {
        check(st)?;
    }
    let mut buf = vec![0u8; need];
    check(call(buf.as_mut_ptr().cast(), need, ptr::null_mut()))?;
    buf.pop();
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn length_error(what: &str, got: usize, want: usize) -> Error {
    Error {
        status: sys::CVHP_ERR_INVALID_ARGUMENT,
        name: "CVHP_ERR_INVALID_ARGUMENT".into(),
        message: format!("{what}: length {got}, expected {want}"),
    }
}

fn range_error(what: &str, v: usize) -> Error {
    Error {
        status: sys::CVHP_ERR_OUT_OF_RANGE,
        name: "CVHP_ERR_OUT_OF_RANGE".into(),
        message: format!("{what}: {v} does not fit the C type"),
    }
}

/// The library's version string.
pub fn version() -> String {
    cstr(unsafe { sys::cvhp_version_string() })
}

/// The four tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    MultiClass = 1,
    MultiLabel = 2,
    ObjectDetection = 3,
    InstanceSegmentation = 4,
}

/// A validation finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub error: bool,
    pub code: String,
    pub params: Vec<String>,
    pub message: String,
}

/// The hyperparameters of one task (an owning handle).
pub struct Config {
    raw: *mut sys::cvhp_config,
}

// The handle has no thread affinity: it may move between threads, and
// &Config only reads (the C contract: any number of concurrent readers).
unsafe impl Send for Config {}
unsafe impl Sync for Config {}

impl Config {
    pub fn new(task: Task) -> Result<Config> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::cvhp_config_new(task as i32, &mut raw) })?;
        Ok(Config { raw })
    }

    /// From the reference's JSON ({"task": ..., "training_parameters": {...}});
    /// `task: None` takes the document's "task".
    pub fn from_json(text: &str, task: Option<Task>) -> Result<Config> {
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::cvhp_config_from_json(
                task.map_or(0, |t| t as i32),
                text.as_ptr().cast(),
                text.len(),
                ptr::null(),
                &mut raw,
            )
        })?;
        Ok(Config { raw })
    }

    /// Set any parameter from text, parsed as the reference service does.
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let (n, v) = (c(name)?, c(value)?);
        check(unsafe { sys::cvhp_config_set_from_string(self.raw, n.as_ptr(), v.as_ptr()) })
    }

    pub fn set_f64(&mut self, name: &str, value: f64) -> Result<()> {
        let n = c(name)?;
        check(unsafe { sys::cvhp_config_set_float_by_name(self.raw, n.as_ptr(), value) })
    }

    pub fn set_i64(&mut self, name: &str, value: i64) -> Result<()> {
        let n = c(name)?;
        check(unsafe { sys::cvhp_config_set_int_by_name(self.raw, n.as_ptr(), value) })
    }

    pub fn get_f64(&self, name: &str) -> Result<f64> {
        let n = c(name)?;
        let mut v = 0.0;
        check(unsafe { sys::cvhp_config_get_float_by_name(self.raw, n.as_ptr(), &mut v) })?;
        Ok(v)
    }

    pub fn get_i64(&self, name: &str) -> Result<i64> {
        let n = c(name)?;
        let mut v = 0;
        check(unsafe { sys::cvhp_config_get_int_by_name(self.raw, n.as_ptr(), &mut v) })?;
        Ok(v)
    }

    /// The effective value as text ("0.01", "yolov5", "3x2", "true").
    pub fn get(&self, name: &str) -> Result<String> {
        let n = c(name)?;
        let mut p = 0;
        check(unsafe { sys::cvhp_param_from_name(n.as_ptr(), &mut p) })?;
        two_call_string(|buf, cap, need| unsafe { sys::cvhp_config_get_as_string(self.raw, p, buf, cap, need) })
    }

    pub fn is_explicit(&self, name: &str) -> Result<bool> {
        let n = c(name)?;
        let mut p = 0;
        check(unsafe { sys::cvhp_param_from_name(n.as_ptr(), &mut p) })?;
        Ok(unsafe { sys::cvhp_config_is_explicit(self.raw, p) } != 0)
    }

    /// Every diagnostic (errors first).
    pub fn validate(&self) -> Result<Vec<Diagnostic>> {
        let mut d = ptr::null_mut();
        check(unsafe { sys::cvhp_config_validate(self.raw, &mut d) })?;
        let mut out = vec![];
        unsafe {
            for i in 0..sys::cvhp_diagnostics_count(d) {
                let params = (0..2)
                    .map(|w| sys::cvhp_diagnostic_param(d, i, w))
                    .filter(|&p| p != 0)
                    .map(|p| cstr(sys::cvhp_param_name(p)))
                    .collect();
                out.push(Diagnostic {
                    error: sys::cvhp_diagnostic_severity(d, i) == sys::CVHP_SEVERITY_ERROR,
                    code: cstr(sys::cvhp_diag_code_name(sys::cvhp_diagnostic_code(d, i))),
                    params,
                    message: cstr(sys::cvhp_diagnostic_message(d, i)),
                });
            }
            sys::cvhp_diagnostics_free(d);
        }
        Ok(out)
    }

    /// Err with the first error's message when validation finds an error.
    pub fn check(&self) -> Result<()> {
        check(unsafe { sys::cvhp_config_check(self.raw) })
    }

    /// The reference's JSON: only the values set, or every effective value.
    pub fn to_json(&self, effective: bool) -> Result<String> {
        let flags = if effective { sys::CVHP_JSON_EFFECTIVE } else { 0 };
        two_call_string(|buf, cap, need| unsafe { sys::cvhp_config_to_json(self.raw, flags, buf, cap, need) })
    }

    pub fn as_ptr(&self) -> *const sys::cvhp_config {
        self.raw
    }
}

impl Clone for Config {
    fn clone(&self) -> Config {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::cvhp_config_clone(self.raw, &mut raw) }).expect("cvhp_config_clone: out of memory");
        Config { raw }
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        unsafe { sys::cvhp_config_free(self.raw) }
    }
}

/// torchvision.ops.nms: kept indices in descending score order.
pub fn nms(boxes: &[[f32; 4]], scores: &[f32], iou_threshold: f32) -> Result<Vec<usize>> {
    nms_with(boxes, scores, None, &NmsOptions::new(NmsPreset::Torchvision, iou_threshold))
}

/// torchvision.ops.batched_nms: NMS independently per class.
pub fn batched_nms(boxes: &[[f32; 4]], scores: &[f32], classes: &[i64], iou_threshold: f32) -> Result<Vec<usize>> {
    nms_with(boxes, scores, Some(classes), &NmsOptions::new(NmsPreset::Torchvision, iou_threshold))
}

/// Whose NMS conventions to follow (docs/boxes.md lists each one's rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NmsPreset {
    /// torchvision.ops.nms / batched_nms (the default)
    Torchvision,
    /// cv2.dnn.NMSBoxes (eta 1): score `>` threshold, top_k cuts candidates, OpenCV's IoU
    Opencv,
    /// ONNX NonMaxSuppression: corners in any order, top_k per class
    Onnx,
}

/// The options of [`nms_with`], as `cvhp.ops.nms_options` in Python.
#[derive(Clone, Debug, PartialEq)]
pub struct NmsOptions {
    pub preset: NmsPreset,
    pub iou_threshold: f32,
    /// Drop candidates whose score is not above this first (the OpenCV and
    /// ONNX presets apply it, at 0, even when None).
    pub score_threshold: Option<f32>,
    /// 0: no limit; else as the preset reads it (kept boxes, candidates for
    /// OpenCV, per class for ONNX).
    pub top_k: usize,
    /// 0: the OpenMP default.
    pub num_threads: usize,
}

impl NmsOptions {
    pub fn new(preset: NmsPreset, iou_threshold: f32) -> NmsOptions {
        NmsOptions { preset, iou_threshold, score_threshold: None, top_k: 0, num_threads: 0 }
    }
}

/// NMS (or, with classes, class-aware NMS) under any preset: kept indices in
/// descending score order.
pub fn nms_with(
    boxes: &[[f32; 4]],
    scores: &[f32],
    classes: Option<&[i64]>,
    opts: &NmsOptions,
) -> Result<Vec<usize>> {
    let n = boxes.len();
    if scores.len() != n {
        return Err(length_error("scores", scores.len(), n));
    }
    if let Some(c) = classes {
        if c.len() != n {
            return Err(length_error("classes", c.len(), n));
        }
    }
    let preset = match opts.preset {
        NmsPreset::Torchvision => sys::CVHP_NMS_PRESET_TORCHVISION,
        NmsPreset::Opencv => sys::CVHP_NMS_PRESET_OPENCV,
        NmsPreset::Onnx => sys::CVHP_NMS_PRESET_ONNX,
    };
    let mut o = std::mem::MaybeUninit::<sys::cvhp_nms_options>::uninit();
    check(unsafe { sys::cvhp_nms_options_init(o.as_mut_ptr(), preset) })?;
    let mut o = unsafe { o.assume_init() };
    o.iou_threshold = opts.iou_threshold as f64;
    if let Some(t) = opts.score_threshold {
        o.flags |= sys::CVHP_NMS_SCORE_THRESHOLD;
        o.score_threshold = t as f64;
    }
    o.top_k = i64::try_from(opts.top_k).map_err(|_| range_error("top_k", opts.top_k))?;
    o.num_threads = i32::try_from(opts.num_threads).map_err(|_| range_error("num_threads", opts.num_threads))?;
    let mut keep = vec![0i64; n];
    let mut nk = 0usize;
    let bp = boxes.as_ptr().cast::<f32>();
    check(unsafe {
        match classes {
            None => sys::cvhp_nms(bp, scores.as_ptr(), n, &o, keep.as_mut_ptr(), n, &mut nk),
            Some(c) => sys::cvhp_batched_nms(bp, scores.as_ptr(), c.as_ptr(), n, &o, keep.as_mut_ptr(), n, &mut nk),
        }
    })?;
    Ok(keep[..nk].iter().map(|&k| k as usize).collect())
}

/// torchvision.ops.box_iou: a.len() rows of b.len() IoUs.
pub fn box_iou(a: &[[f32; 4]], b: &[[f32; 4]]) -> Result<Vec<Vec<f32>>> {
    let mut m = vec![0f32; a.len() * b.len()];
    check(unsafe {
        sys::cvhp_box_iou(a.as_ptr().cast(), a.len(), b.as_ptr().cast(), b.len(), m.as_mut_ptr(), 0)
    })?;
    Ok(if b.is_empty() { vec![vec![]; a.len()] } else { m.chunks(b.len()).map(|r| r.to_vec()).collect() })
}

/// The reference service's tiles of an image (x-major order).
pub fn tiles(width: i64, height: i64, grid: (i32, i32), overlap: f64) -> Result<Vec<[f32; 4]>> {
    let mut out = vec![[0f32; 4]; (grid.0.max(0) as usize) * (grid.1.max(0) as usize)];
    let mut n = 0usize;
    check(unsafe {
        sys::cvhp_tiles(width, height, grid.0, grid.1, overlap, out.as_mut_ptr().cast(), out.len(), &mut n)
    })?;
    out.truncate(n);
    Ok(out)
}

/// The reference's merge of whole-image and tile predictions: kept indices
/// in input order. `sources[i]` indexes `source_rects`.
pub fn merge(
    boxes: &[[f32; 4]],
    scores: &[f32],
    labels: &[i64],
    sources: &[i32],
    source_rects: &[[f32; 4]],
    iou_threshold: f64,
) -> Result<Vec<usize>> {
    let n = boxes.len();
    for (what, len) in [("scores", scores.len()), ("labels", labels.len()), ("sources", sources.len())] {
        if len != n {
            return Err(length_error(what, len, n));
        }
    }
    let mut keep = vec![0i64; n];
    let mut nk = 0usize;
    check(unsafe {
        sys::cvhp_merge_predictions(
            boxes.as_ptr().cast(),
            scores.as_ptr(),
            labels.as_ptr(),
            sources.as_ptr(),
            n,
            source_rects.as_ptr().cast(),
            source_rects.len(),
            iou_threshold,
            ptr::null_mut(),
            keep.as_mut_ptr(),
            n,
            &mut nk,
        )
    })?;
    Ok(keep[..nk].iter().map(|&k| k as usize).collect())
}

fn check_lengths(n: usize, scores: &[f32], labels: &[i64]) -> Result<()> {
    if scores.len() != n {
        return Err(length_error("scores", scores.len(), n));
    }
    if labels.len() != n {
        return Err(length_error("labels", labels.len(), n));
    }
    Ok(())
}

/// One detector pass post-processed as the config says (box_score_threshold,
/// boxes under 0.01 px dropped except for yolov5, class-aware NMS at
/// nms_iou_threshold, the first box_detections_per_image): kept indices in
/// descending score order. num_threads 0: the OpenMP default.
pub fn postprocess(
    cfg: &Config,
    boxes: &[[f32; 4]],
    scores: &[f32],
    labels: &[i64],
    num_threads: usize,
) -> Result<Vec<usize>> {
    let n = boxes.len();
    check_lengths(n, scores, labels)?;
    let nt = i32::try_from(num_threads).map_err(|_| range_error("num_threads", num_threads))?;
    let mut keep = vec![0i64; n.max(1)];
    let mut nk = 0usize;
    check(unsafe {
        sys::cvhp_detection_postprocess(cfg.raw, boxes.as_ptr().cast(), scores.as_ptr(), labels.as_ptr(), n, nt,
                                        keep.as_mut_ptr(), n, &mut nk)
    })?;
    Ok(keep[..nk].iter().map(|&k| k as usize).collect())
}

/// One image's detector output for [`postprocess_batch`].
#[derive(Clone, Copy, Debug)]
pub struct DetectorOutput<'a> {
    pub boxes: &'a [[f32; 4]],
    pub scores: &'a [f32],
    pub labels: &'a [i64],
}

/// [`postprocess`] over many images in one call, in parallel over images:
/// one index list per image (indices into that image's arrays), identical
/// to one call per image.
pub fn postprocess_batch(cfg: &Config, images: &[DetectorOutput<'_>], num_threads: usize) -> Result<Vec<Vec<usize>>> {
    let mut offsets = Vec::with_capacity(images.len() + 1);
    offsets.push(0usize);
    for im in images {
        check_lengths(im.boxes.len(), im.scores, im.labels)?;
        offsets.push(offsets.last().unwrap() + im.boxes.len());
    }
    let total = *offsets.last().unwrap();
    let (mut b, mut s, mut l) = (Vec::with_capacity(total), Vec::with_capacity(total), Vec::with_capacity(total));
    for im in images {
        b.extend_from_slice(im.boxes);
        s.extend_from_slice(im.scores);
        l.extend_from_slice(im.labels);
    }
    let nt = i32::try_from(num_threads).map_err(|_| range_error("num_threads", num_threads))?;
    let mut keep = vec![0i64; total.max(1)];
    let mut counts = vec![0usize; images.len().max(1)];
    check(unsafe {
        sys::cvhp_detection_postprocess_batch(cfg.raw, b.as_ptr().cast(), s.as_ptr(), l.as_ptr(), offsets.as_ptr(),
                                              images.len(), nt, keep.as_mut_ptr(), counts.as_mut_ptr())
    })?;
    Ok((0..images.len())
        .map(|i| keep[offsets[i]..offsets[i] + counts[i]].iter().map(|&k| k as usize).collect())
        .collect())
}

/// One YOLOv5 detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub bbox: [f32; 4],
    pub score: f32,
    pub label: i64,
}

/// Decode raw YOLOv5 predictions (rows of 5 + classes floats) with the
/// config's box_score_threshold and nms_iou_threshold.
pub fn decode_yolo(cfg: &Config, pred: &[f32], classes: usize) -> Result<Vec<Detection>> {
    if classes == 0 || pred.len() % (5 + classes) != 0 {
        return Err(length_error("pred", pred.len(), (pred.len() / (5 + classes.max(1))) * (5 + classes)));
    }
    let n = pred.len() / (5 + classes);
    let (mut b, mut s, mut l) = (vec![0f32; 4 * 300], vec![0f32; 300], vec![0i64; 300]);
    let mut k = 0usize;
    check(unsafe {
        sys::cvhp_yolo_decode(cfg.raw, pred.as_ptr(), n, classes, 0, b.as_mut_ptr(), s.as_mut_ptr(), l.as_mut_ptr(), 300, &mut k)
    })?;
    Ok((0..k).map(|i| Detection { bbox: [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]], score: s[i], label: l[i] }).collect())
}

/// The reference's polygons of an H x W score mask: one flat
/// [x1, y1, x2, y2, ...] per contour, normalized by the mask size.
pub fn mask_to_polygons(
    scores: &[f32],
    height: usize,
    width: usize,
    score_threshold: f64,
    max_points: i64,
) -> Result<Vec<Vec<f64>>> {
    polygons_of(scores, height, width, &mask_options(score_threshold, max_points, 0, None)?)
}

/// `mask_to_polygons` with its scratch memory and result taken from a
/// workspace: after the first masks of a size, repeated calls stop
/// allocating from the system (see `Workspace::system_allocations`).
pub fn mask_to_polygons_in(
    ws: &Workspace,
    scores: &[f32],
    height: usize,
    width: usize,
    score_threshold: f64,
    max_points: i64,
) -> Result<Vec<Vec<f64>>> {
    polygons_of(scores, height, width, &mask_options(score_threshold, max_points, 0, Some(ws))?)
}

/// `mask_to_polygons` for `count` masks of H x W stored one after the
/// other, in parallel over the masks (`num_threads`, 0 = OpenMP's default);
/// identical to one call per mask.
pub fn masks_to_polygons_batch(
    scores: &[f32],
    count: usize,
    height: usize,
    width: usize,
    score_threshold: f64,
    max_points: i64,
    num_threads: i32,
) -> Result<Vec<Vec<Vec<f64>>>> {
    let cells = height.checked_mul(width).and_then(|c| c.checked_mul(count));
    if cells != Some(scores.len()) {
        return Err(length_error("scores", scores.len(), cells.unwrap_or(usize::MAX)));
    }
    let o = mask_options(score_threshold, max_points, num_threads, None)?;
    let mut handles = vec![ptr::null_mut(); count.max(1)];
    check(unsafe {
        sys::cvhp_masks_to_polygons_batch(scores.as_ptr(), count, height, width, &o, handles.as_mut_ptr())
    })?;
    Ok(handles[..count].iter().map(|&p| unsafe { collect_polygons(p) }).collect())
}

fn mask_options(score_threshold: f64, max_points: i64, num_threads: i32, ws: Option<&Workspace>) -> Result<sys::cvhp_mask_options> {
    let mut o = std::mem::MaybeUninit::<sys::cvhp_mask_options>::uninit();
    check(unsafe { sys::cvhp_mask_options_init(o.as_mut_ptr()) })?;
    let mut o = unsafe { o.assume_init() };
    o.score_threshold = score_threshold;
    o.max_points = max_points;
    o.num_threads = num_threads;
    if let Some(ws) = ws {
        o.alloc = unsafe { sys::cvhp_workspace_allocator(ws.raw) };
    }
    Ok(o)
}

fn polygons_of(scores: &[f32], height: usize, width: usize, o: &sys::cvhp_mask_options) -> Result<Vec<Vec<f64>>> {
    if height.checked_mul(width) != Some(scores.len()) {
        return Err(length_error("scores", scores.len(), height.saturating_mul(width)));
    }
    let mut p = ptr::null_mut();
    check(unsafe { sys::cvhp_mask_to_polygons(scores.as_ptr(), height, width, o, &mut p) })?;
    Ok(unsafe { collect_polygons(p) })
}

/// Copies the polygons out of a result handle and frees it.
unsafe fn collect_polygons(p: *mut sys::cvhp_polygons) -> Vec<Vec<f64>> {
    let mut out = vec![];
    for i in 0..sys::cvhp_polygons_count(p) {
        let n = sys::cvhp_polygon_points(p, i);
        out.push(std::slice::from_raw_parts(sys::cvhp_polygon_coords(p, i), 2 * n).to_vec());
    }
    sys::cvhp_polygons_free(p);
    out
}

/// A recycling memory pool (`cvhp_workspace`) for servers that convert
/// masks over and over. Thread-safe; results made from it stay valid after
/// it is dropped.
pub struct Workspace {
    raw: *mut sys::cvhp_workspace,
}

// The pool is mutex-protected (cvhp_workspace in common.h).
unsafe impl Send for Workspace {}
unsafe impl Sync for Workspace {}

impl Workspace {
    /// A pool on the system allocator.
    pub fn new() -> Result<Workspace> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::cvhp_workspace_new(ptr::null(), &mut raw) })?;
        Ok(Workspace { raw })
    }

    /// How many blocks the pool has taken from the system so far.
    pub fn system_allocations(&self) -> Result<usize> {
        let (mut a, mut b, mut c) = (0usize, 0usize, 0usize);
        check(unsafe { sys::cvhp_workspace_stats(self.raw, &mut a, &mut b, &mut c) })?;
        Ok(a)
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        unsafe { sys::cvhp_workspace_free(self.raw) }
    }
}

/// Image formats of the mask export (the reference's image_type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageType {
    Jpg,
    Png,
    Bmp,
}

impl ImageType {
    fn code(self) -> i32 {
        match self {
            ImageType::Jpg => sys::CVHP_IMAGE_JPG,
            ImageType::Png => sys::CVHP_IMAGE_PNG,
            ImageType::Bmp => sys::CVHP_IMAGE_BMP,
        }
    }

    /// Whether this build can write the format (BMP always; PNG and JPEG
    /// with the library's png / jpeg features).
    pub fn available(self) -> bool {
        unsafe { sys::cvhp_have_image_type(self.code()) != 0 }
    }
}

fn mask_len(mask: &[u8], height: usize, width: usize) -> Result<()> {
    let want = height.checked_mul(width).ok_or_else(|| range_error("height * width", usize::MAX))?;
    if mask.len() != want {
        return Err(length_error("mask", mask.len(), want));
    }
    Ok(())
}

/// An H x W mask (nonzero -> 255) encoded as an 8-bit grayscale image.
pub fn encode_mask_image(mask: &[u8], height: usize, width: usize, image_type: ImageType) -> Result<Vec<u8>> {
    mask_len(mask, height, width)?;
    let t = image_type.code();
    let mut need = 0usize;
    let st = unsafe { sys::cvhp_mask_encode(mask.as_ptr(), height, width, t, ptr::null_mut(), 0, &mut need) };
    if st != sys::CVHP_ERR_BUFFER_TOO_SMALL {
        check(st)?;
    }
    let mut buf = vec![0u8; need];
    check(unsafe { sys::cvhp_mask_encode(mask.as_ptr(), height, width, t, buf.as_mut_ptr().cast(), need, &mut need) })?;
    buf.truncate(need); // JPEG: the first size is an upper bound
    Ok(buf)
}

/// The same image written to a file (created or truncated).
pub fn export_mask_image(mask: &[u8], height: usize, width: usize, image_type: ImageType, path: &str) -> Result<()> {
    mask_len(mask, height, width)?;
    let p = c(path)?;
    check(unsafe { sys::cvhp_mask_export(mask.as_ptr(), height, width, image_type.code(), p.as_ptr()) })
}

/// The reference's relative path of an exported mask:
/// masks/<stem>/<label>/<stem>_<index>_label_<label>_conf_<S>.<ext>.
pub fn mask_export_path(image_file: &str, label: &str, index: usize, score: f64, image_type: ImageType) -> Result<String> {
    let (f, l) = (c(image_file)?, c(label)?);
    let t = image_type.code();
    two_call_string(|buf, cap, need| unsafe {
        sys::cvhp_mask_export_path(f.as_ptr(), l.as_ptr(), index, score, t, buf, cap, need)
    })
}

/// COCO run-length encoding of an H x W mask (nonzero = 1): column-major
/// runs, starting with the zeros.
pub fn rle_encode(mask: &[u8], height: usize, width: usize) -> Result<Vec<u32>> {
    if height.checked_mul(width) != Some(mask.len()) {
        return Err(length_error("mask", mask.len(), height.saturating_mul(width)));
    }
    let mut counts = vec![0u32; mask.len() + 1];
    let mut n = 0usize;
    check(unsafe { sys::cvhp_rle_encode(mask.as_ptr(), height, width, counts.as_mut_ptr(), counts.len(), &mut n) })?;
    counts.truncate(n);
    Ok(counts)
}

/// The 0/1 mask of COCO runs; an error when they do not sum to H x W.
pub fn rle_decode(counts: &[u32], height: usize, width: usize) -> Result<Vec<u8>> {
    let cells = height.checked_mul(width).ok_or_else(|| length_error("height * width", usize::MAX, usize::MAX))?;
    let mut mask = vec![0u8; cells];
    check(unsafe { sys::cvhp_rle_decode(counts.as_ptr(), counts.len(), height, width, mask.as_mut_ptr()) })?;
    Ok(mask)
}

/// pycocotools' compressed string of COCO runs.
pub fn rle_to_string(counts: &[u32]) -> Result<String> {
    two_call_string(|buf, cap, need| unsafe { sys::cvhp_rle_to_string(counts.as_ptr(), counts.len(), buf, cap, need) })
}

/// COCO runs of pycocotools' compressed string; an error for a malformed one.
pub fn rle_from_string(s: &str) -> Result<Vec<u32>> {
    let c = c(s)?;
    let mut n = 0usize;
    let mut counts = vec![0u32; s.len()];
    check(unsafe { sys::cvhp_rle_from_string(c.as_ptr(), counts.as_mut_ptr(), counts.len(), &mut n) })?;
    counts.truncate(n);
    Ok(counts)
}

/// Soft-NMS decay of the scores of boxes overlapping a selected one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoftNmsMethod {
    /// score *= 1 - IoU when IoU > iou_threshold
    Linear,
    /// score *= exp(-IoU^2 / sigma)
    Gaussian,
}

/// OpenCV's softNMSBoxes: (index, score when selected) in selection order;
/// stops below score_threshold or after top_k boxes (0: no limit).
pub fn soft_nms(
    boxes: &[[f32; 4]],
    scores: &[f32],
    method: SoftNmsMethod,
    iou_threshold: f32,
    sigma: f32,
    score_threshold: f32,
    top_k: usize,
) -> Result<Vec<(usize, f32)>> {
    let n = boxes.len();
    if scores.len() != n {
        return Err(length_error("scores", scores.len(), n));
    }
    let m = match method {
        SoftNmsMethod::Linear => 1,
        SoftNmsMethod::Gaussian => 2,
    };
    let (mut keep, mut upd, mut nk) = (vec![0i64; n.max(1)], vec![0f32; n.max(1)], 0usize);
    check(unsafe {
        sys::cvhp_soft_nms(boxes.as_ptr().cast(), scores.as_ptr(), n, m, iou_threshold, sigma, score_threshold, top_k,
                           keep.as_mut_ptr(), upd.as_mut_ptr(), n.max(1), &mut nk)
    })?;
    Ok((0..nk).map(|i| (keep[i] as usize, upd[i])).collect())
}
