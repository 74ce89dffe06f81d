//! The safe crate against known answers (the same vectors the C and Python
//! suites use).
use cvhp::*;

#[test]
fn config_defaults_follow_the_model() {
    let mut cfg = Config::new(Task::MultiClass).unwrap();
    cfg.set("model_name", "resnet50").unwrap();
    assert_eq!(cfg.get_i64("training_batch_size").unwrap(), 78);
    cfg.set("model_name", "vitl16r224").unwrap();
    assert_eq!(cfg.get_i64("training_batch_size").unwrap(), 10);
    assert_eq!(cfg.get_f64("learning_rate").unwrap(), 0.001);
    assert!(!cfg.is_explicit("learning_rate").unwrap());
    let copy = cfg.clone();
    cfg.set_f64("learning_rate", 0.5).unwrap();
    assert_eq!(copy.get_f64("learning_rate").unwrap(), 0.001);
    assert_eq!(cfg.get("model_name").unwrap(), "vitl16r224");
}

#[test]
fn errors_carry_status_and_message() {
    let mut cfg = Config::new(Task::ObjectDetection).unwrap();
    let e = cfg.set("learning_rate", "1.5").unwrap_err();
    assert_eq!(e.name, "CVHP_ERR_OUT_OF_RANGE");
    assert_eq!(e.message, "learning_rate: 1.5 is outside [0, 1]");
    assert!(cfg.set("no_such", "1").is_err());
    assert!(cfg.set("nul\0byte", "1").is_err());
}

#[test]
fn validation_and_json() {
    let mut cfg = Config::new(Task::MultiClass).unwrap();
    cfg.set("model_name", "vitb16r224").unwrap();
    cfg.set("training_crop_size", "384").unwrap();
    let d = cfg.validate().unwrap();
    assert_eq!(d.len(), 1);
    assert!(d[0].error && d[0].code == "vit_crop_mismatch");
    assert_eq!(d[0].params, vec!["training_crop_size", "validation_crop_size"]);
    assert!(cfg.check().is_err());
    let j = cfg.to_json(false).unwrap();
    let back = Config::from_json(&j, None).unwrap();
    assert_eq!(back.to_json(false).unwrap(), j);
    assert!(Config::from_json("{\"learning_rate\": ", Some(Task::MultiClass)).is_err());
}

#[test]
fn nms_iou_tiles_merge() {
    let boxes = [[0., 0., 10., 10.], [1., 1., 11., 11.], [50., 50., 60., 60.]];
    assert_eq!(nms(&boxes, &[0.9, 0.8, 0.7], 0.5).unwrap(), vec![0, 2]);
    assert_eq!(batched_nms(&boxes, &[0.9, 0.8, 0.7], &[0, 1, 0], 0.5).unwrap(), vec![0, 1, 2]);
    assert!(nms(&boxes, &[0.9], 0.5).is_err());
    assert!(nms(&boxes, &[0.9, 0.8, 0.7], 1.5).is_err());
    let iou = box_iou(&boxes[..1], &boxes).unwrap();
    assert_eq!(iou[0][0], 1.0);
    assert_eq!(iou[0][2], 0.0);
    let t = tiles(640, 480, (3, 2), 0.25).unwrap();
    assert_eq!(t[1], [0., 206., 256., 480.]);
    assert!(tiles(640, 480, (1, 1), 0.25).is_err());
    let rects = [[0., 0., 600., 400.], [0., 0., 400., 300.], [0., 100., 400., 400.]];
    let b = [[0., 100., 100., 200.], [0., 100., 100., 200.]];
    assert_eq!(merge(&b, &[0.9, 0.8], &[1, 1], &[1, 2], &rects, 0.25).unwrap(), vec![0]);
    assert_eq!(merge(&b, &[0.9, 0.8], &[1, 1], &[1, 1], &rects, 0.25).unwrap(), vec![0, 1]);
}

#[test]
fn yolo_and_polygons() {
    let mut cfg = Config::new(Task::ObjectDetection).unwrap();
    cfg.set("model_name", "yolov5").unwrap();
    // two candidates of class 1 on the same spot, one of class 0 elsewhere
    let pred = [
        10., 10., 4., 4., 0.9, 0.1, 0.8, //
        10., 10., 4., 4., 0.8, 0.1, 0.7, //
        30., 30., 4., 4., 0.9, 0.9, 0.1,
    ];
    let d = decode_yolo(&cfg, &pred, 2).unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].label, 0);
    assert_eq!(d[0].bbox, [28., 28., 32., 32.]);
    assert!(decode_yolo(&cfg, &pred[..20], 2).is_err());
    let mut m = vec![0f32; 12 * 12];
    for y in 2..10 {
        for x in 2..10 {
            m[y * 12 + x] = if (5..7).contains(&y) && (5..7).contains(&x) { 0.1 } else { 0.9 };
        }
    }
    let p = mask_to_polygons(&m, 12, 12, 0.5, 100).unwrap();
    assert_eq!(p.len(), 2); // the outer boundary and the hole
    assert!(mask_to_polygons(&m, 12, 11, 0.5, 100).is_err());
    assert!(version().starts_with("0."));
}

#[test]
fn config_is_send_and_clones_are_independent() {
    let mut cfg = Config::new(Task::ObjectDetection).unwrap();
    cfg.set("model_name", "yolov5").unwrap();
    let mut copy = cfg.clone();
    copy.set_f64("learning_rate", 0.05).unwrap();
    let h = std::thread::spawn(move || copy.get_f64("learning_rate").unwrap());
    assert_eq!(h.join().unwrap(), 0.05);
    assert_eq!(cfg.get_f64("learning_rate").unwrap(), 0.01); // the original is untouched
    assert!(cfg.get_i64("learning_rate").is_err()); // wrong accessor
}

#[test]
fn lengths_are_checked_before_the_call() {
    let b = [[0f32, 0., 10., 10.], [1., 1., 11., 11.]];
    let e = batched_nms(&b, &[0.9, 0.8], &[0], 0.5).unwrap_err();
    assert_eq!(e.name, "CVHP_ERR_INVALID_ARGUMENT");
    let e = merge(&b, &[0.9, 0.8], &[1], &[0, 0], &[[0., 0., 20., 20.]], 0.25).unwrap_err();
    assert_eq!(e.message, "labels: length 1, expected 2");
    assert!(merge(&b, &[0.9, 0.8], &[1, 1], &[0, 5], &[[0., 0., 20., 20.]], 0.25).is_err()); // no rect 5
    assert_eq!(box_iou(&b, &[]).unwrap(), vec![Vec::<f32>::new(); 2]);
    assert!(nms(&[], &[], 0.5).unwrap().is_empty());
}

#[test]
fn from_json_takes_the_task_from_the_document() {
    let cfg = Config::from_json(
        r#"{"task": "image-object-detection", "training_parameters": {"model_name": "yolov5"}}"#,
        None,
    )
    .unwrap();
    assert_eq!(cfg.get("model_name").unwrap(), "yolov5");
    assert!(Config::from_json(r#"{"training_parameters": {}}"#, None).is_err()); // no task anywhere
}

#[test]
fn rle_round_trips_and_rejects_bad_runs() {
    // [[0, 1, 1], [0, 1, 0]]: column-major 0 0 | 1 1 | 1 0 -> runs 2, 3, 1
    let mask = [0u8, 1, 1, 0, 1, 0];
    let runs = cvhp::rle_encode(&mask, 2, 3).unwrap();
    assert_eq!(runs, vec![2, 3, 1]);
    assert_eq!(cvhp::rle_decode(&runs, 2, 3).unwrap(), mask.to_vec());
    let text = cvhp::rle_to_string(&runs).unwrap();
    assert_eq!(text, "231"); // pycocotools: one 5-bit group per small run, + '0'
    assert_eq!(cvhp::rle_from_string(&text).unwrap(), runs);
    let e = cvhp::rle_decode(&[2, 3], 2, 3).unwrap_err();
    assert_eq!(e.name, "CVHP_ERR_PARSE");
    assert!(cvhp::rle_from_string("2 3").is_err());
    assert!(cvhp::rle_encode(&mask, 2, 2).is_err());
}

#[test]
fn soft_nms_decays_overlapping_scores() {
    let boxes = [[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [50.0, 50.0, 60.0, 60.0]];
    let scores = [0.9, 0.8, 0.7];
    let got = cvhp::soft_nms(&boxes, &scores, cvhp::SoftNmsMethod::Linear, 0.3, 0.5, 0.0, 0).unwrap();
    let order: Vec<usize> = got.iter().map(|g| g.0).collect();
    assert_eq!(order, vec![0, 2, 1]); // box 1 overlaps box 0 at IoU 81/119 and drops below box 2
    let iou = 81.0f32 / 119.0;
    assert!((got[2].1 - 0.8 * (1.0 - iou)).abs() < 1e-6, "{:?}", got);
    assert_eq!(got[0].1, 0.9);
    let top1 = cvhp::soft_nms(&boxes, &scores, cvhp::SoftNmsMethod::Gaussian, 0.3, 0.5, 0.0, 1).unwrap();
    assert_eq!(top1.len(), 1);
    assert!(cvhp::soft_nms(&boxes, &scores[..2], cvhp::SoftNmsMethod::Linear, 0.3, 0.5, 0.0, 0).is_err());
}

fn disc_mask(h: usize, w: usize, cy: f32, cx: f32, r: f32) -> Vec<f32> {
    let mut m = vec![0f32; h * w];
    for y in 0..h {
        for x in 0..w {
            let d = ((y as f32 - cy).powi(2) + (x as f32 - cx).powi(2)).sqrt();
            m[y * w + x] = (1.0 - d / r).max(0.0);
        }
    }
    m
}

#[test]
fn batch_and_workspace_equal_single_calls() {
    let (h, w) = (40, 50);
    let masks: Vec<f32> = (0..4).flat_map(|i| disc_mask(h, w, 10.0 + 5.0 * i as f32, 25.0, 8.0 + i as f32)).collect();
    let batch = cvhp::masks_to_polygons_batch(&masks, 4, h, w, 0.5, 10, 2).unwrap();
    assert_eq!(batch.len(), 4);
    let ws = cvhp::Workspace::new().unwrap();
    let mut after_first = 0;
    for round in 0..3 {
        for i in 0..4 {
            let one = cvhp::mask_to_polygons(&masks[i * h * w..(i + 1) * h * w], h, w, 0.5, 10).unwrap();
            assert!(!one.is_empty());
            assert_eq!(batch[i], one);
            let pooled = cvhp::mask_to_polygons_in(&ws, &masks[i * h * w..(i + 1) * h * w], h, w, 0.5, 10).unwrap();
            assert_eq!(pooled, one);
        }
        let n = ws.system_allocations().unwrap();
        if round == 0 {
            assert!(n > 0);
            after_first = n;
        } else {
            assert_eq!(n, after_first, "the pool kept allocating");
        }
    }
    assert!(cvhp::masks_to_polygons_batch(&masks, 3, h, w, 0.5, 10, 1).is_err());
}

/// The ONNX NonMaxSuppression specification's examples and OpenCV's
/// conventions through nms_with (the same cases as tests/test_boxes.c).
#[test]
fn nms_presets_follow_their_stacks() {
    use cvhp::{nms_with, NmsOptions, NmsPreset};
    let boxes = [
        [0.0, 0.0, 1.0, 1.0],
        [0.0, 0.1, 1.0, 1.1],
        [0.0, -0.1, 1.0, 0.9],
        [0.0, 10.0, 1.0, 11.0],
        [0.0, 10.1, 1.0, 11.1],
        [0.0, 100.0, 1.0, 101.0f32],
    ];
    let scores = [0.9, 0.75, 0.6, 0.95, 0.5, 0.3f32];
    let mut onnx = NmsOptions::new(NmsPreset::Onnx, 0.5);
    onnx.top_k = 3;
    assert_eq!(nms_with(&boxes, &scores, None, &onnx).unwrap(), vec![3, 0, 5]); // suppress_by_IOU
    onnx.top_k = 2;
    assert_eq!(nms_with(&boxes, &scores, None, &onnx).unwrap(), vec![3, 0]); // limit_output_size
    onnx.top_k = 3;
    onnx.score_threshold = Some(0.4);
    assert_eq!(nms_with(&boxes, &scores, None, &onnx).unwrap(), vec![3, 0]); // suppress_by_IOU_and_scores
    // flipped corners: ONNX orders them, torchvision's arithmetic sees empty boxes
    let flipped = [
        [1.0, 1.0, 0.0, 0.0],
        [0.0, 0.1, 1.0, 1.1],
        [0.0, 0.9, 1.0, -0.1],
        [0.0, 10.0, 1.0, 11.0],
        [1.0, 10.1, 0.0, 11.1],
        [1.0, 101.0, 0.0, 100.0f32],
    ];
    onnx.score_threshold = None;
    assert_eq!(nms_with(&flipped, &scores, None, &onnx).unwrap(), vec![3, 0, 5]);
    assert_eq!(cvhp::nms(&flipped, &scores, 0.5).unwrap().len(), 6);
    // per-class top_k: two copies as two classes, two kept each, in score order
    let b2: Vec<[f32; 4]> = boxes.iter().chain(boxes.iter()).copied().collect();
    let s2: Vec<f32> = scores.iter().chain(scores.iter()).copied().collect();
    let c2: Vec<i64> = (0..12).map(|i| i / 6).collect();
    onnx.top_k = 2;
    assert_eq!(nms_with(&b2, &s2, Some(&c2), &onnx).unwrap(), vec![3, 9, 0, 6]);
    // OpenCV: top_k cuts the candidates (the best two are 3 and 0, both kept),
    // where torchvision's top_k stops at the second kept box (also 3, 0): a
    // case where they differ is two overlapping best boxes
    let mut cv = NmsOptions::new(NmsPreset::Opencv, 0.5);
    cv.top_k = 2;
    assert_eq!(nms_with(&boxes, &scores, None, &cv).unwrap(), vec![3, 0]);
    let pair = [[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 10.5], [50.0, 50.0, 60.0, 60.0f32]];
    let ps = [0.9, 0.8, 0.7f32];
    assert_eq!(nms_with(&pair, &ps, None, &cv).unwrap(), vec![0]);
    let mut tv = NmsOptions::new(NmsPreset::Torchvision, 0.5);
    tv.top_k = 2;
    assert_eq!(nms_with(&pair, &ps, None, &tv).unwrap(), vec![0, 2]);
    // OpenCV keeps only scores above its threshold (0 unless set)
    cv.top_k = 0;
    cv.score_threshold = Some(0.75);
    assert_eq!(nms_with(&pair, &ps, None, &cv).unwrap(), vec![0]);
    // bad options come back as the library's errors
    let bad = NmsOptions::new(NmsPreset::Torchvision, 1.5);
    let e = nms_with(&boxes, &scores, None, &bad).unwrap_err();
    assert_eq!(e.name, "CVHP_ERR_OUT_OF_RANGE");
    assert!(e.message.contains("iou_threshold"), "{}", e.message);
}

/// Mask images: BMP always (decoded here), PNG and JPEG when built in, the
/// file form equal to the memory form, the reference's file naming.
#[test]
fn mask_images_and_their_names() {
    use cvhp::{encode_mask_image, export_mask_image, mask_export_path, ImageType};
    let (h, w) = (3usize, 5usize);
    let mask: Vec<u8> = (0..h * w).map(|i| (i % 3 == 0) as u8 * 7).collect();
    let bmp = encode_mask_image(&mask, h, w, ImageType::Bmp).unwrap();
    assert_eq!(&bmp[..2], b"BM");
    let le32 = |at: usize| u32::from_le_bytes(bmp[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(le32(2), bmp.len());
    assert_eq!((le32(18), le32(22)), (w, h));
    let (data, stride) = (le32(10), (w + 3) / 4 * 4);
    for y in 0..h {
        for x in 0..w {
            // rows bottom-up; the palette maps index v to gray v
            let v = bmp[data + (h - 1 - y) * stride + x];
            assert_eq!(v, if mask[y * w + x] != 0 { 255 } else { 0 }, "pixel {y},{x}");
        }
    }
    let path = std::env::temp_dir().join(format!("cvhp-rust-{}.bmp", std::process::id()));
    export_mask_image(&mask, h, w, ImageType::Bmp, path.to_str().unwrap()).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bmp);
    std::fs::remove_file(&path).unwrap();
    if ImageType::Png.available() {
        assert_eq!(&encode_mask_image(&mask, h, w, ImageType::Png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    }
    if ImageType::Jpg.available() {
        let jpg = encode_mask_image(&mask, h, w, ImageType::Jpg).unwrap();
        assert_eq!((&jpg[..2], &jpg[jpg.len() - 2..]), (&b"\xff\xd8"[..], &b"\xff\xd9"[..]));
    }
    assert_eq!(
        mask_export_path("/data/img.01.jpg", "cat", 3, 0.98765, ImageType::Png).unwrap(),
        "masks/img/cat/img_3_label_cat_conf_0987.png"
    );
    assert_eq!(mask_export_path("b", "x", 1, 0.5, ImageType::Bmp).unwrap(), "masks/b/x/b_1_label_x_conf_05.bmp");
    // a mask of the wrong length is refused before the call; an empty one by the library
    assert_eq!(encode_mask_image(&mask[1..], h, w, ImageType::Bmp).unwrap_err().name, "CVHP_ERR_INVALID_ARGUMENT");
    assert_eq!(encode_mask_image(&[], 0, w, ImageType::Bmp).unwrap_err().name, "CVHP_ERR_OUT_OF_RANGE");
    assert!(export_mask_image(&mask, h, w, ImageType::Bmp, "/nonexistent-dir/x.bmp").is_err());
}

/// The config-driven post-processing: score threshold, tiny boxes, NMS per
/// class, detections per image; the batch form equals one call per image.
#[test]
fn postprocess_follows_the_config_and_batches() {
    use cvhp::{postprocess, postprocess_batch, DetectorOutput};
    let mut cfg = Config::new(Task::ObjectDetection).unwrap();
    cfg.set_f64("box_score_threshold", 0.3).unwrap();
    cfg.set_f64("nms_iou_threshold", 0.5).unwrap();
    let boxes = [
        [0.0, 0.0, 10.0, 10.0],   // 0: kept, best of class 1
        [0.0, 0.0, 10.0, 10.5],   // 1: IoU 0.95 with 0, same class: suppressed
        [0.0, 0.0, 10.0, 10.2],   // 2: same place, class 2: kept
        [50.0, 50.0, 60.0, 60.0], // 3: score 0.3 is not above 0.3: dropped
        [70.0, 70.0, 70.005, 80.0], // 4: 0.005 px wide: dropped
        [80.0, 80.0, 90.0, 90.0f32], // 5: kept
    ];
    let scores = [0.9, 0.8, 0.7, 0.3, 0.95, 0.5f32];
    let labels = [1, 1, 2, 1, 1, 3i64];
    assert_eq!(postprocess(&cfg, &boxes, &scores, &labels, 1).unwrap(), vec![0, 2, 5]);
    cfg.set_i64("box_detections_per_image", 2).unwrap();
    assert_eq!(postprocess(&cfg, &boxes, &scores, &labels, 1).unwrap(), vec![0, 2]);
    let images = [
        DetectorOutput { boxes: &boxes, scores: &scores, labels: &labels },
        DetectorOutput { boxes: &[], scores: &[], labels: &[] },
        DetectorOutput { boxes: &boxes[3..], scores: &scores[3..], labels: &labels[3..] },
    ];
    let batch = postprocess_batch(&cfg, &images, 2).unwrap();
    assert_eq!(batch.len(), 3);
    for (im, got) in images.iter().zip(&batch) {
        assert_eq!(got, &postprocess(&cfg, im.boxes, im.scores, im.labels, 1).unwrap());
    }
    assert_eq!(batch[2], vec![2]); // box 5 of the first image, index 2 of the third
    let bad = DetectorOutput { boxes: &boxes, scores: &scores[1..], labels: &labels };
    assert_eq!(postprocess_batch(&cfg, &[bad], 1).unwrap_err().name, "CVHP_ERR_INVALID_ARGUMENT");
}
