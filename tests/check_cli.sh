#!/bin/sh
# The cvhp command line: exit codes and output of params and validate.
# Usage: check_cli.sh CVHP_TOOL SRCROOT
set -u
tool=$1
data=$2/tests/data/configs
fail=0
expect() { # expect CODE DESCRIPTION -- command...
  want=$1; what=$2; shift 3
  out=$("$@" 2>&1); got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; echo "$out"; fail=1
  fi
  LAST_OUT=$out
}
contains() {
  case "$LAST_OUT" in *"$1"*) ;; *) echo "FAIL: output lacks '$1':"; echo "$LAST_OUT"; fail=1 ;; esac
}

expect 0 "version" -- "$tool" --version
contains "cvhp 0."
expect 2 "no command" -- "$tool"
expect 2 "unknown command" -- "$tool" frobnicate
expect 0 "info" -- "$tool" info
contains "isa active:"

expect 0 "params yolov5" -- "$tool" params --task object_detection --model yolov5
contains "number_of_epochs                 30                       default"
contains "model_name                       yolov5                   set"
expect 0 "params --set" -- "$tool" params --task multiclass --set learning_rate=0.2
contains "learning_rate                    0.2                      set"
expect 2 "params without task" -- "$tool" params
expect 2 "params bad task" -- "$tool" params --task painting
expect 1 "params bad model" -- "$tool" params --task multiclass --model yolov5
contains "model_name: yolov5 is not a model for image-classification"
expect 1 "params bad --set" -- "$tool" params --task multiclass --set learning_rate=3

if "$tool" info | grep -q 'json=on'; then
  expect 0 "validate good" -- "$tool" validate "$data/yolo_tiled.json"
  contains "0 errors, 0 warnings"
  expect 1 "validate rules" -- "$tool" validate "$data/bad_rules.json"
  contains "error: min_size: does not apply to image-classification [not_for_task]"
  contains "error: training_crop_size: 384 differs from validation_crop_size 224; vitb16r224 needs them equal [vit_crop_mismatch]"
  contains "error: layers_to_freeze: 14 exceeds the 13 layers of vit (vitb16r224)"
  contains "warning: momentum: only used by sgd; ignored with optimizer adam [unused_by_optimizer]"
  contains "3 errors, 1 warning"
  expect 1 "validate malformed" -- "$tool" validate "$data/malformed.json"
  contains "JSON line 5, column"
  expect 1 "validate task mismatch" -- "$tool" validate "$data/yolo_tiled.json" --task multiclass
  expect 1 "validate missing file" -- "$tool" validate "$data/nope.json"
  expect 2 "validate no file" -- "$tool" validate
else
  expect 1 "validate without json" -- "$tool" validate "$data/yolo_tiled.json"
  contains "not built with JSON support"
fi
demo=$2/tests/data/demo
expect 0 "tiles" -- "$tool" tiles --size 640x480 --grid 3x2 --overlap 0.25
contains "0 206 256 480"
contains "384 206 640 480"
expect 0 "tiles (3, 2) form" -- "$tool" tiles --size 640x480 --grid "(3, 2)"
contains "192 0 448 274"
expect 1 "tiles 1x1" -- "$tool" tiles --size 640x480 --grid 1x1
contains "1x1 is not tiling"
expect 1 "tiles too fine" -- "$tool" tiles --size 10x10 --grid 20x2
expect 2 "tiles bad size" -- "$tool" tiles --size 640 --grid 3x2
expect 0 "postprocess" -- "$tool" postprocess --size 4000x3000 --boxes "$demo/pass_0_boxes.npy" \
  --scores "$demo/pass_0_scores.npy" --labels "$demo/pass_0_labels.npy" --names "$demo/labels.txt" \
  --set box_detections_per_image=3
contains '{"boxes": [{"box": {"topX": '
contains '"label": "class_'
expect 1 "postprocess missing file" -- "$tool" postprocess --size 4000x3000 --boxes /nonexistent.npy \
  --scores "$demo/pass_0_scores.npy" --labels "$demo/pass_0_labels.npy"
expect 1 "postprocess wrong dtype" -- "$tool" postprocess --size 4000x3000 --boxes "$demo/pass_0_labels.npy" \
  --scores "$demo/pass_0_scores.npy" --labels "$demo/pass_0_labels.npy"
expect 2 "postprocess no size" -- "$tool" postprocess --boxes "$demo/pass_0_boxes.npy"
expect 0 "demo" -- "$tool" demo --data "$demo"
contains "5. merge"
contains "7. yolo decode"
contains "8. polygons"
expect 1 "demo missing data" -- "$tool" demo --data /nonexistent

expect 0 "polygons float" -- "$tool" polygons "$demo/mask_scores.npy" --pixels
contains '"holes": [false, true]'
contains '[9, 6, 9, 5, 8, 5'
expect 0 "polygons bool" -- "$tool" polygons "$demo/mask_binary.npy" --max-points 4
contains '[0.75, 0.83333333333333337, 0.1875'
expect 1 "polygons bad max" -- "$tool" polygons "$demo/mask_binary.npy" --max-points 2
contains "max_number_of_polygon_points: 2 is below 3"
expect 1 "polygons wrong dtype" -- "$tool" polygons "$demo/pass_0_labels.npy"
expect 2 "polygons no file" -- "$tool" polygons

# PNG masks (tests/data/demo/make_mask_pngs.py): gray and RGB give the .npy's polygons
if "$tool" info | grep -q 'png=on'; then
  expect 0 "polygons npy" -- "$tool" polygons "$demo/mask_binary.npy" --max-points 0 --pixels
  npy_out=$LAST_OUT
  for f in mask_binary.png mask_rgb.png; do
    expect 0 "polygons $f" -- "$tool" polygons "$demo/$f" --max-points 0 --pixels
    [ "$LAST_OUT" = "$npy_out" ] || { echo "FAIL: $f gives other polygons than mask_binary.npy:"; echo "$LAST_OUT"; fail=1; }
  done
  tmpd=$(mktemp -d)
  printf 'not a png' > "$tmpd/bad.png"
  expect 1 "polygons not a png" -- "$tool" polygons "$tmpd/bad.png"
  contains "not a readable PNG"
  head -c 60 "$demo/mask_rgb.png" > "$tmpd/cut.png"
  expect 1 "polygons truncated png" -- "$tool" polygons "$tmpd/cut.png"
  contains "cut.png: cannot decode"
  expect 1 "polygons missing png" -- "$tool" polygons "$tmpd/none.png"
  contains "cannot open"
  rm -rf "$tmpd"
else
  expect 1 "polygons png without libspng" -- "$tool" polygons "$demo/mask_binary.png"
  contains "built without PNG support"
fi

[ $fail -eq 0 ] && echo "ok: cvhp command line"
exit $fail
