;; The kernels of FloodSimulation (src/core/flood/simulation.ts) in WebAssembly: the single-thread sweep and the
;; row kernels of the strip-parallel step.
;;
;; Same scheme, same arithmetic, in the same order, on the same Float32 storage with Float64 intermediates as the
;; JavaScript sweep, so the results are the same bit for bit (tests/unit/flood-wasm.test.ts checks it); the gain
;; comes from branch-free selects, no bounds or type checks and a tighter register allocation. Math.cbrt is
;; imported from JavaScript (used only on the rare exact path), so cube roots round alike too.
;;
;; Compiled to src/core/flood/wasm/sweep-wasm.ts by `node --import tsx src/server/flood/build-wasm.ts` (wabt).
;;
;; Memory (imported, owned by FloodSimulation; a shared one for the strip-parallel engine): each instance has a
;; 256-byte header at the byte offset given to `init` (one per thread), naming the byte offsets of the arrays.
;; Header, Int32 slots (byte 4·k):
;;   0 ncols  1 nrows  2 h  3 z  4 hic  5 n2  6 qx  7 qy  8 oldRow  9 active (Uint8)  10 maxDepth  11 arrival
;;   12 rainGrid  13 bW  14 bE  15 bN  16 bS  17 implicit friction (0/1)  18 constant n (0/1)  19 has rainGrid (0/1)
;; Float64 slots (byte 128 + 8·k):
;;   0 θ  1 w = (1−θ)/2  2 hMin  3 n² (constant n)  4 arrival depth  5 UMAX_MARGIN  6 LIMIT_KEEP  7 g·Δt
;;   8 g·Δt/Δx  9 Δt/Δx  10 rain surely falling this step (m)  11 uniform rain this step (m)  12 Δt  13 t1
;;   14 umax (in: from the boundary faces; out: max |q|/h_f)  15 hmax (out)
;; The row kernels faceRow / limitRow / continuityRow / edgeFaceRow mirror the JavaScript strip kernels of the same
;; names (same arithmetic); sweep is the single-thread pass built from them.
;; max(a, b) is written as select(a, b, a ≥ b) (no NaN / −0 handling, which f64.max compiles to branches for): the
;; two differ only for NaN or ±0, and inputs here are finite; a ±0 flow depth h_f is below hMin either way.
(module
  (import "env" "memory" (memory 1))
  (import "env" "cbrt" (func $cbrt (param f64) (result f64)))
  ;; Byte offset of this instance's header.
  (global $hdr (mut i32) (i32.const 0))

  ;; Sets the byte offset of this instance's header (once, before any other call).
  (func (export "init") (param $at i32)
    (global.set $hdr (local.get $at)))

  ;; The single-thread pass, pipelined so that each row is touched while in cache: faces of row r, limiting of row r,
  ;; continuity of row r−1.
  (func (export "sweep")
      (local $nc4 i32) (local $nr i32) (local $pQy i32) (local $pOld i32) (local $pBN i32) (local $pBS i32)
      (local $r i32) (local $last i32) (local $umax f64) (local $hm f64)
      (local.set $nc4 (i32.shl (i32.load offset=0 (global.get $hdr)) (i32.const 2)))
      (local.set $nr (i32.load offset=4 (global.get $hdr)))
      (local.set $pQy (i32.load offset=28 (global.get $hdr)))
      (local.set $pOld (i32.load offset=32 (global.get $hdr)))
      (local.set $pBN (i32.load offset=60 (global.get $hdr)))
      (local.set $pBS (i32.load offset=64 (global.get $hdr)))
      (local.set $umax (f64.load offset=240 (global.get $hdr)))
      (local.set $hm (f64.const 0))
      (local.set $last (i32.sub (local.get $nr) (i32.const 1)))
      ;; oldRow ← old face row 0 (north boundary faces), for the θ-weighting of face row 1.
      (memory.copy (local.get $pOld) (local.get $pQy) (local.get $nc4))
      (local.set $r (i32.const 0))
      (block $rows (loop $row
        (br_if $rows (i32.ge_u (local.get $r) (local.get $nr)))
        (local.set $umax (call $faceRow (local.get $r) (i32.lt_u (local.get $r) (local.get $last)) (local.get $pOld)
          (i32.add (local.get $pQy) (i32.mul (i32.add (local.get $r) (i32.const 2)) (local.get $nc4))) (local.get $umax)))
        (if (i32.eqz (local.get $r))
          (then (memory.copy (local.get $pQy) (local.get $pBN) (local.get $nc4))))
        (if (i32.eq (local.get $r) (local.get $last))
          (then (memory.copy (i32.add (local.get $pQy) (i32.mul (local.get $nr) (local.get $nc4))) (local.get $pBS) (local.get $nc4))))
        (call $limitRow (local.get $r) (i32.const 0))
        (if (i32.ge_u (local.get $r) (i32.const 1))
          (then (local.set $hm (call $continuity (i32.sub (local.get $r) (i32.const 1)) (local.get $hm)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))
      (local.set $hm (call $continuity (local.get $last) (local.get $hm)))
      (f64.store offset=240 (global.get $hdr) (local.get $umax))
      (f64.store offset=248 (global.get $hdr) (local.get $hm)))

  ;; A: new faces of row r from the old state: the x-faces between its cells (boundary x-faces from bW / bE) and,
  ;; when withY, the y-faces between row r and row r+1 (face row r+1). pAbove: old values of face row r (receives those
  ;; of face row r+1); pBelow: old values of face row r+2. Returns the running max |q|/h_f (from umax).
  (func $faceRow (export "faceRow") (param $r i32) (param $withY i32) (param $pAbove i32) (param $pBelow i32) (param $umax f64) (result f64)
      (local $nc i32) (local $nc4 i32) (local $nx14 i32)
      (local $pH i32) (local $pZ i32) (local $pHic i32) (local $pN2 i32) (local $pQx i32) (local $pQy i32) (local $pBW i32) (local $pBE i32)
      (local $implicit i32) (local $constN i32)
      (local $theta f64) (local $w f64) (local $hMin f64) (local $n2c f64) (local $margin f64) (local $gdt f64) (local $gdtdx f64)
      (local $umaxLo f64)
      (local $c i32) (local $base4 i32) (local $fb4 i32) (local $oa i32) (local $ob i32) (local $of i32) (local $end i32) (local $up i32)
      (local $qL f64) (local $qOld f64) (local $za f64) (local $zb f64) (local $ha f64) (local $hb f64)
      (local $ea f64) (local $eb f64) (local $ya f64) (local $yb f64) (local $hf f64) (local $hu f64) (local $y f64)
      (local $ir f64) (local $B f64) (local $G f64) (local $qn f64) (local $uq f64) (local $u f64)
      (local.set $nc (i32.load offset=0 (global.get $hdr)))
      (local.set $pH (i32.load offset=8 (global.get $hdr)))
      (local.set $pZ (i32.load offset=12 (global.get $hdr)))
      (local.set $pHic (i32.load offset=16 (global.get $hdr)))
      (local.set $pN2 (i32.load offset=20 (global.get $hdr)))
      (local.set $pQx (i32.load offset=24 (global.get $hdr)))
      (local.set $pQy (i32.load offset=28 (global.get $hdr)))
      (local.set $pBW (i32.load offset=52 (global.get $hdr)))
      (local.set $pBE (i32.load offset=56 (global.get $hdr)))
      (local.set $implicit (i32.load offset=68 (global.get $hdr)))
      (local.set $constN (i32.load offset=72 (global.get $hdr)))
      (local.set $theta (f64.load offset=128 (global.get $hdr)))
      (local.set $w (f64.load offset=136 (global.get $hdr)))
      (local.set $hMin (f64.load offset=144 (global.get $hdr)))
      (local.set $n2c (f64.load offset=152 (global.get $hdr)))
      (local.set $margin (f64.load offset=168 (global.get $hdr)))
      (local.set $gdt (f64.load offset=184 (global.get $hdr)))
      (local.set $gdtdx (f64.load offset=192 (global.get $hdr)))
      (local.set $umaxLo (f64.mul (local.get $umax) (local.get $margin)))
      (local.set $nc4 (i32.shl (local.get $nc) (i32.const 2)))
      (local.set $nx14 (i32.add (local.get $nc4) (i32.const 4)))
      (local.set $base4 (i32.mul (local.get $r) (local.get $nc4)))
      (local.set $fb4 (i32.mul (local.get $r) (local.get $nx14)))
      ;; x-faces: face c between cells c−1 (a, carried) and c (b), c = 1 … ncols−1.
      (local.set $qL (f64.promote_f32 (f32.load (i32.add (local.get $pQx) (local.get $fb4)))))
      (local.set $za (f64.promote_f32 (f32.load (i32.add (local.get $pZ) (local.get $base4)))))
      (local.set $ha (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $base4)))))
      (local.set $ea (f64.add (local.get $za) (local.get $ha)))
      (local.set $ya (f64.promote_f32 (f32.load (i32.add (local.get $pHic) (local.get $base4)))))
      (local.set $ob (i32.add (local.get $base4) (i32.const 4)))
      (local.set $of (i32.add (local.get $fb4) (i32.const 4)))
      (local.set $end (i32.add (local.get $base4) (local.get $nc4)))
      (block $bx (loop $lx
        (br_if $bx (i32.ge_u (local.get $ob) (local.get $end)))
        (local.set $qOld (f64.promote_f32 (f32.load (i32.add (local.get $pQx) (local.get $of)))))
        (local.set $zb (f64.promote_f32 (f32.load (i32.add (local.get $pZ) (local.get $ob)))))
        (local.set $hb (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $ob)))))
        (local.set $yb (f64.promote_f32 (f32.load (i32.add (local.get $pHic) (local.get $ob)))))
        (local.set $eb (f64.add (local.get $zb) (local.get $hb)))
        (local.set $hf (f64.sub (select (local.get $ea) (local.get $eb) (f64.ge (local.get $ea) (local.get $eb))) (select (local.get $za) (local.get $zb) (f64.ge (local.get $za) (local.get $zb)))))
        (local.set $qn (f64.const 0))
        (if (f64.gt (local.get $hf) (local.get $hMin))
          (then
            (local.set $up (f64.ge (local.get $ea) (local.get $eb)))
            (local.set $hu (select (local.get $ha) (local.get $hb) (local.get $up)))
            ;; h_f^(−1/3) from the upwind cell's (h_up ≥ h_f): one division-free Newton step when close, else exact.
            (if (f64.ge (local.get $hf) (f64.mul (f64.const 0.95) (local.get $hu)))
              (then
                (local.set $y (select (local.get $ya) (local.get $yb) (local.get $up)))
                (local.set $ir (f64.mul
                  (f64.mul (local.get $y)
                    (f64.sub (f64.const 4) (f64.mul (f64.mul (f64.mul (local.get $hf) (local.get $y)) (local.get $y)) (local.get $y))))
                  (f64.const 0x1.5555555555555p-2))))
              (else (local.set $ir (f64.div (f64.const 1) (call $cbrt (local.get $hf))))))
            ;; B = θ·q + w·(q₋ + q₊) − gΔt/Δx·h_f·(η_b − η_a)
            (local.set $B (f64.sub
              (f64.add (f64.mul (local.get $theta) (local.get $qOld))
                (f64.mul (local.get $w) (f64.add (local.get $qL)
                  (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $pQx) (local.get $of)) (i32.const 4)))))))
              (f64.mul (f64.mul (local.get $gdtdx) (local.get $hf)) (f64.sub (local.get $eb) (local.get $ea)))))
            (local.set $G (f64.mul
              (f64.mul (local.get $gdt)
                (if (result f64) (local.get $constN)
                  (then (local.get $n2c))
                  (else (f64.mul (f64.const 0.5) (f64.add
                    (f64.promote_f32 (f32.load (i32.sub (i32.add (local.get $pN2) (local.get $ob)) (i32.const 4))))
                    (f64.promote_f32 (f32.load (i32.add (local.get $pN2) (local.get $ob)))))))))
              (local.get $ir)))
            (if (local.get $implicit)
              (then (local.set $qn (f64.div
                (f64.mul (f64.mul (f64.const 2) (local.get $B)) (local.get $hf))
                (f64.add (local.get $hf) (f64.sqrt (f64.add (f64.mul (local.get $hf) (local.get $hf))
                  (f64.mul (f64.mul (f64.const 4) (local.get $G)) (f64.abs (local.get $B)))))))))
              (else (local.set $qn (f64.div
                (f64.mul (f64.mul (local.get $B) (local.get $hf)) (local.get $hf))
                (f64.add (f64.mul (local.get $hf) (local.get $hf)) (f64.mul (local.get $G) (f64.abs (local.get $qOld))))))))
            (local.set $uq (f64.abs (local.get $qn)))
            (if (f64.gt (local.get $uq) (f64.mul (local.get $umaxLo) (local.get $hf)))
              (then
                (local.set $u (f64.div (local.get $uq) (local.get $hf)))
                (if (f64.gt (local.get $u) (local.get $umax))
                  (then
                    (local.set $umax (local.get $u))
                    (local.set $umaxLo (f64.mul (local.get $u) (local.get $margin)))))))))
        (f32.store (i32.add (local.get $pQx) (local.get $of)) (f32.demote_f64 (local.get $qn)))
        (local.set $qL (local.get $qOld))
        (local.set $za (local.get $zb))
        (local.set $ha (local.get $hb))
        (local.set $ea (local.get $eb))
        (local.set $ya (local.get $yb))
        (local.set $ob (i32.add (local.get $ob) (i32.const 4)))
        (local.set $of (i32.add (local.get $of) (i32.const 4)))
        (br $lx)))
      ;; boundary x-faces of row r
      (f32.store (i32.add (local.get $pQx) (local.get $fb4))
        (f32.load (i32.add (local.get $pBW) (i32.shl (local.get $r) (i32.const 2)))))
      (f32.store (i32.add (i32.add (local.get $pQx) (local.get $fb4)) (local.get $nc4))
        (f32.load (i32.add (local.get $pBE) (i32.shl (local.get $r) (i32.const 2)))))
      ;; y-faces between row r (cell a) and row r+1 (cell b); the face's index in qy is b's.
      (if (local.get $withY)
        (then
          (local.set $oa (local.get $base4))
          (local.set $c (i32.const 0))
          (block $by (loop $ly
            (br_if $by (i32.ge_u (local.get $oa) (local.get $end)))
            (local.set $ob (i32.add (local.get $oa) (local.get $nc4)))
            (local.set $qOld (f64.promote_f32 (f32.load (i32.add (local.get $pQy) (local.get $ob)))))
            (local.set $za (f64.promote_f32 (f32.load (i32.add (local.get $pZ) (local.get $oa)))))
            (local.set $zb (f64.promote_f32 (f32.load (i32.add (local.get $pZ) (local.get $ob)))))
            (local.set $ha (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $oa)))))
            (local.set $hb (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $ob)))))
            (local.set $ea (f64.add (local.get $za) (local.get $ha)))
            (local.set $eb (f64.add (local.get $zb) (local.get $hb)))
            (local.set $hf (f64.sub (select (local.get $ea) (local.get $eb) (f64.ge (local.get $ea) (local.get $eb))) (select (local.get $za) (local.get $zb) (f64.ge (local.get $za) (local.get $zb)))))
            (local.set $qn (f64.const 0))
            (if (f64.gt (local.get $hf) (local.get $hMin))
              (then
                (local.set $up (f64.ge (local.get $ea) (local.get $eb)))
                (local.set $hu (select (local.get $ha) (local.get $hb) (local.get $up)))
                (if (f64.ge (local.get $hf) (f64.mul (f64.const 0.95) (local.get $hu)))
                  (then
                    (local.set $y (f64.promote_f32 (f32.load (i32.add (local.get $pHic)
                      (select (local.get $oa) (local.get $ob) (local.get $up))))))
                    (local.set $ir (f64.mul
                      (f64.mul (local.get $y)
                        (f64.sub (f64.const 4) (f64.mul (f64.mul (f64.mul (local.get $hf) (local.get $y)) (local.get $y)) (local.get $y))))
                      (f64.const 0x1.5555555555555p-2))))
                  (else (local.set $ir (f64.div (f64.const 1) (call $cbrt (local.get $hf))))))
                (local.set $B (f64.sub
                  (f64.add (f64.mul (local.get $theta) (local.get $qOld))
                    (f64.mul (local.get $w) (f64.add
                      (f64.promote_f32 (f32.load (i32.add (local.get $pAbove) (local.get $c))))
                      (f64.promote_f32 (f32.load (i32.add (local.get $pBelow) (local.get $c)))))))
                  (f64.mul (f64.mul (local.get $gdtdx) (local.get $hf)) (f64.sub (local.get $eb) (local.get $ea)))))
                (local.set $G (f64.mul
                  (f64.mul (local.get $gdt)
                    (if (result f64) (local.get $constN)
                      (then (local.get $n2c))
                      (else (f64.mul (f64.const 0.5) (f64.add
                        (f64.promote_f32 (f32.load (i32.add (local.get $pN2) (local.get $oa))))
                        (f64.promote_f32 (f32.load (i32.add (local.get $pN2) (local.get $ob)))))))))
                  (local.get $ir)))
                (if (local.get $implicit)
                  (then (local.set $qn (f64.div
                    (f64.mul (f64.mul (f64.const 2) (local.get $B)) (local.get $hf))
                    (f64.add (local.get $hf) (f64.sqrt (f64.add (f64.mul (local.get $hf) (local.get $hf))
                      (f64.mul (f64.mul (f64.const 4) (local.get $G)) (f64.abs (local.get $B)))))))))
                  (else (local.set $qn (f64.div
                    (f64.mul (f64.mul (local.get $B) (local.get $hf)) (local.get $hf))
                    (f64.add (f64.mul (local.get $hf) (local.get $hf)) (f64.mul (local.get $G) (f64.abs (local.get $qOld))))))))
                (local.set $uq (f64.abs (local.get $qn)))
                (if (f64.gt (local.get $uq) (f64.mul (local.get $umaxLo) (local.get $hf)))
                  (then
                    (local.set $u (f64.div (local.get $uq) (local.get $hf)))
                    (if (f64.gt (local.get $u) (local.get $umax))
                      (then
                        (local.set $umax (local.get $u))
                        (local.set $umaxLo (f64.mul (local.get $u) (local.get $margin)))))))))
            (f32.store (i32.add (local.get $pAbove) (local.get $c)) (f32.demote_f64 (local.get $qOld)))
            (f32.store (i32.add (local.get $pQy) (local.get $ob)) (f32.demote_f64 (local.get $qn)))
            (local.set $oa (i32.add (local.get $oa) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $ly)))))
      (local.get $umax))

  ;; B: outflow limiting of row r (its four face rows hold their new, unscaled values): a cell that would lose more
  ;; than it holds (plus the rain it surely gets) has its outgoing faces scaled down. pTop ≠ 0: the row's north faces
  ;; are read from and scaled in that private copy instead of qy.
  (func $limitRow (export "limitRow") (param $r i32) (param $pTop i32)
      (local $nc4 i32) (local $pH i32) (local $pQx i32) (local $pQy i32) (local $pN i32)
      (local $k f64) (local $rainSure f64) (local $keep f64)
      (local $oa i32) (local $of i32) (local $end i32)
      (local $qW f64) (local $qE f64) (local $qN f64) (local $qS f64) (local $out f64) (local $avail f64) (local $loss f64) (local $f f64)
      (local.set $nc4 (i32.shl (i32.load offset=0 (global.get $hdr)) (i32.const 2)))
      (local.set $pH (i32.load offset=8 (global.get $hdr)))
      (local.set $pQx (i32.load offset=24 (global.get $hdr)))
      (local.set $pQy (i32.load offset=28 (global.get $hdr)))
      (local.set $k (f64.load offset=200 (global.get $hdr)))
      (local.set $rainSure (f64.load offset=208 (global.get $hdr)))
      (local.set $keep (f64.load offset=176 (global.get $hdr)))
      (local.set $oa (i32.mul (local.get $r) (local.get $nc4)))
      (local.set $of (i32.mul (local.get $r) (i32.add (local.get $nc4) (i32.const 4))))
      (local.set $end (i32.add (local.get $oa) (local.get $nc4)))
      ;; north faces: pN + oa addresses column c (i32 arithmetic wraps).
      (local.set $pN (select (i32.sub (local.get $pTop) (local.get $oa)) (local.get $pQy) (local.get $pTop)))
      (block $bl (loop $ll
        (br_if $bl (i32.ge_u (local.get $oa) (local.get $end)))
        (local.set $qW (f64.promote_f32 (f32.load (i32.add (local.get $pQx) (local.get $of)))))
        (local.set $qE (f64.promote_f32 (f32.load offset=4 (i32.add (local.get $pQx) (local.get $of)))))
        (local.set $qN (f64.promote_f32 (f32.load (i32.add (local.get $pN) (local.get $oa)))))
        (local.set $qS (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $pQy) (local.get $oa)) (local.get $nc4)))))
        (local.set $out (f64.sub
          (f64.add
            (f64.sub
              (select (local.get $qE) (f64.const 0) (f64.gt (local.get $qE) (f64.const 0)))
              (select (local.get $qW) (f64.const 0) (f64.lt (local.get $qW) (f64.const 0))))
            (select (local.get $qS) (f64.const 0) (f64.gt (local.get $qS) (f64.const 0))))
          (select (local.get $qN) (f64.const 0) (f64.lt (local.get $qN) (f64.const 0)))))
        (if (f64.ne (local.get $out) (f64.const 0))
          (then
            (local.set $avail (f64.add (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $oa)))) (local.get $rainSure)))
            (local.set $loss (f64.mul (local.get $out) (local.get $k)))
            (if (f64.gt (local.get $loss) (local.get $avail))
              (then
                (local.set $f (f64.mul (f64.div (local.get $avail) (local.get $loss)) (local.get $keep)))
                (if (f64.lt (local.get $qW) (f64.const 0))
                  (then (f32.store (i32.add (local.get $pQx) (local.get $of)) (f32.demote_f64 (f64.mul (local.get $qW) (local.get $f))))))
                (if (f64.gt (local.get $qE) (f64.const 0))
                  (then (f32.store offset=4 (i32.add (local.get $pQx) (local.get $of)) (f32.demote_f64 (f64.mul (local.get $qE) (local.get $f))))))
                (if (f64.lt (local.get $qN) (f64.const 0))
                  (then (f32.store (i32.add (local.get $pN) (local.get $oa)) (f32.demote_f64 (f64.mul (local.get $qN) (local.get $f))))))
                (if (f64.gt (local.get $qS) (f64.const 0))
                  (then (f32.store (i32.add (i32.add (local.get $pQy) (local.get $oa)) (local.get $nc4)) (f32.demote_f64 (f64.mul (local.get $qS) (local.get $f))))))))))
        (local.set $oa (i32.add (local.get $oa) (i32.const 4)))
        (local.set $of (i32.add (local.get $of) (i32.const 4)))
        (br $ll))))

  ;; y-face row fr from old values only, into pOut (the faceRow y-part, same arithmetic; counts nothing): pAbove old
  ;; face row fr−1, pOld old face row fr, pBelow old face row fr+1.
  (func $edgeFaceRow (export "edgeFaceRow") (param $fr i32) (param $pAbove i32) (param $pOld i32) (param $pBelow i32) (param $pOut i32)
      (local $nc4 i32) (local $pH i32) (local $pZ i32) (local $pHic i32) (local $pN2 i32) (local $implicit i32) (local $constN i32)
      (local $theta f64) (local $w f64) (local $hMin f64) (local $n2c f64) (local $gdt f64) (local $gdtdx f64)
      (local $c i32) (local $oa i32) (local $ob i32) (local $end i32) (local $up i32)
      (local $qOld f64) (local $za f64) (local $zb f64) (local $ha f64) (local $hb f64) (local $ea f64) (local $eb f64)
      (local $hf f64) (local $hu f64) (local $y f64) (local $ir f64) (local $B f64) (local $G f64) (local $qn f64)
      (local.set $nc4 (i32.shl (i32.load offset=0 (global.get $hdr)) (i32.const 2)))
      (local.set $pH (i32.load offset=8 (global.get $hdr)))
      (local.set $pZ (i32.load offset=12 (global.get $hdr)))
      (local.set $pHic (i32.load offset=16 (global.get $hdr)))
      (local.set $pN2 (i32.load offset=20 (global.get $hdr)))
      (local.set $implicit (i32.load offset=68 (global.get $hdr)))
      (local.set $constN (i32.load offset=72 (global.get $hdr)))
      (local.set $theta (f64.load offset=128 (global.get $hdr)))
      (local.set $w (f64.load offset=136 (global.get $hdr)))
      (local.set $hMin (f64.load offset=144 (global.get $hdr)))
      (local.set $n2c (f64.load offset=152 (global.get $hdr)))
      (local.set $gdt (f64.load offset=184 (global.get $hdr)))
      (local.set $gdtdx (f64.load offset=192 (global.get $hdr)))
      (local.set $oa (i32.mul (i32.sub (local.get $fr) (i32.const 1)) (local.get $nc4)))
      (local.set $end (i32.add (local.get $oa) (local.get $nc4)))
      (local.set $c (i32.const 0))
      (block $by (loop $ly
        (br_if $by (i32.ge_u (local.get $oa) (local.get $end)))
        (local.set $ob (i32.add (local.get $oa) (local.get $nc4)))
        (local.set $qOld (f64.promote_f32 (f32.load (i32.add (local.get $pOld) (local.get $c)))))
        (local.set $za (f64.promote_f32 (f32.load (i32.add (local.get $pZ) (local.get $oa)))))
        (local.set $zb (f64.promote_f32 (f32.load (i32.add (local.get $pZ) (local.get $ob)))))
        (local.set $ha (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $oa)))))
        (local.set $hb (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $ob)))))
        (local.set $ea (f64.add (local.get $za) (local.get $ha)))
        (local.set $eb (f64.add (local.get $zb) (local.get $hb)))
        (local.set $hf (f64.sub (select (local.get $ea) (local.get $eb) (f64.ge (local.get $ea) (local.get $eb))) (select (local.get $za) (local.get $zb) (f64.ge (local.get $za) (local.get $zb)))))
        (local.set $qn (f64.const 0))
        (if (f64.gt (local.get $hf) (local.get $hMin))
          (then
            (local.set $up (f64.ge (local.get $ea) (local.get $eb)))
            (local.set $hu (select (local.get $ha) (local.get $hb) (local.get $up)))
            (if (f64.ge (local.get $hf) (f64.mul (f64.const 0.95) (local.get $hu)))
              (then
                (local.set $y (f64.promote_f32 (f32.load (i32.add (local.get $pHic)
                  (select (local.get $oa) (local.get $ob) (local.get $up))))))
                (local.set $ir (f64.mul
                  (f64.mul (local.get $y)
                    (f64.sub (f64.const 4) (f64.mul (f64.mul (f64.mul (local.get $hf) (local.get $y)) (local.get $y)) (local.get $y))))
                  (f64.const 0x1.5555555555555p-2))))
              (else (local.set $ir (f64.div (f64.const 1) (call $cbrt (local.get $hf))))))
            (local.set $B (f64.sub
              (f64.add (f64.mul (local.get $theta) (local.get $qOld))
                (f64.mul (local.get $w) (f64.add
                  (f64.promote_f32 (f32.load (i32.add (local.get $pAbove) (local.get $c))))
                  (f64.promote_f32 (f32.load (i32.add (local.get $pBelow) (local.get $c)))))))
              (f64.mul (f64.mul (local.get $gdtdx) (local.get $hf)) (f64.sub (local.get $eb) (local.get $ea)))))
            (local.set $G (f64.mul
              (f64.mul (local.get $gdt)
                (if (result f64) (local.get $constN)
                  (then (local.get $n2c))
                  (else (f64.mul (f64.const 0.5) (f64.add
                    (f64.promote_f32 (f32.load (i32.add (local.get $pN2) (local.get $oa))))
                    (f64.promote_f32 (f32.load (i32.add (local.get $pN2) (local.get $ob)))))))))
              (local.get $ir)))
            (if (local.get $implicit)
              (then (local.set $qn (f64.div
                (f64.mul (f64.mul (f64.const 2) (local.get $B)) (local.get $hf))
                (f64.add (local.get $hf) (f64.sqrt (f64.add (f64.mul (local.get $hf) (local.get $hf))
                  (f64.mul (f64.mul (f64.const 4) (local.get $G)) (f64.abs (local.get $B)))))))))
              (else (local.set $qn (f64.div
                (f64.mul (f64.mul (local.get $B) (local.get $hf)) (local.get $hf))
                (f64.add (f64.mul (local.get $hf) (local.get $hf)) (f64.mul (local.get $G) (f64.abs (local.get $qOld))))))))))
        (f32.store (i32.add (local.get $pOut) (local.get $c)) (f32.demote_f64 (local.get $qn)))
        (local.set $oa (i32.add (local.get $oa) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $ly))))

  ;; C: continuity of row rr from its final faces, plus rain; h^(−1/3), maxima, arrival. Returns the running max depth.
(func $continuity (export "continuityRow") (param $rr i32) (param $hm f64) (result f64)
    (local $nc4 i32) (local $oi i32) (local $of i32) (local $end i32)
    (local $pH i32) (local $pHic i32) (local $pQx i32) (local $pQy i32) (local $pAct i32) (local $pMax i32)
    (local $pArr i32) (local $pRg i32) (local $hasRg i32)
    (local $k f64) (local $dt f64) (local $t1 f64) (local $rainUni f64) (local $arrD f64)
    (local $src f64) (local $div f64) (local $hOld f64) (local $hs f64) (local $d f64) (local $y f64) (local $dh f64)
    (local.set $nc4 (i32.shl (i32.load offset=0 (global.get $hdr)) (i32.const 2)))
    (local.set $pH (i32.load offset=8 (global.get $hdr)))
    (local.set $pHic (i32.load offset=16 (global.get $hdr)))
    (local.set $pQx (i32.load offset=24 (global.get $hdr)))
    (local.set $pQy (i32.load offset=28 (global.get $hdr)))
    (local.set $pAct (i32.load offset=36 (global.get $hdr)))
    (local.set $pMax (i32.load offset=40 (global.get $hdr)))
    (local.set $pArr (i32.load offset=44 (global.get $hdr)))
    (local.set $pRg (i32.load offset=48 (global.get $hdr)))
    (local.set $hasRg (i32.load offset=76 (global.get $hdr)))
    (local.set $arrD (f64.load offset=160 (global.get $hdr)))
    (local.set $k (f64.load offset=200 (global.get $hdr)))
    (local.set $rainUni (f64.load offset=216 (global.get $hdr)))
    (local.set $dt (f64.load offset=224 (global.get $hdr)))
    (local.set $t1 (f64.load offset=232 (global.get $hdr)))
    (local.set $oi (i32.mul (local.get $rr) (local.get $nc4)))
    (local.set $of (i32.mul (local.get $rr) (i32.add (local.get $nc4) (i32.const 4))))
    (local.set $end (i32.add (local.get $oi) (local.get $nc4)))
    (block $bc (loop $lc
      (br_if $bc (i32.ge_u (local.get $oi) (local.get $end)))
      (block $next
        (br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $pAct) (i32.shr_u (local.get $oi) (i32.const 2))))))
        (local.set $src (if (result f64) (local.get $hasRg)
          (then (f64.add (local.get $rainUni)
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $pRg) (local.get $oi)))) (local.get $dt))))
          (else (local.get $rainUni))))
        (local.set $div (f64.sub
          (f64.add
            (f64.sub
              (f64.promote_f32 (f32.load (i32.add (local.get $pQx) (local.get $of))))
              (f64.promote_f32 (f32.load offset=4 (i32.add (local.get $pQx) (local.get $of)))))
            (f64.promote_f32 (f32.load (i32.add (local.get $pQy) (local.get $oi)))))
          (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $pQy) (local.get $oi)) (local.get $nc4))))))
        (local.set $hOld (f64.promote_f32 (f32.load (i32.add (local.get $pH) (local.get $oi)))))
        (if (i32.and (f64.eq (local.get $div) (f64.const 0)) (f64.eq (local.get $src) (f64.const 0)))
          (then
            (local.set $hm (select (local.get $hOld) (local.get $hm) (f64.gt (local.get $hOld) (local.get $hm))))
            (br $next)))
        (local.set $hs (f64.promote_f32 (f32.demote_f64
          (f64.add (f64.add (local.get $hOld) (local.get $src)) (f64.mul (local.get $k) (local.get $div))))))
        (f32.store (i32.add (local.get $pH) (local.get $oi)) (f32.demote_f64 (local.get $hs)))
        ;; h^(−1/3): one division-free Newton step while the depth changed by < 10 %, else exact.
        (local.set $d (f64.sub (local.get $hs) (local.get $hOld)))
        (local.set $dh (f64.mul (f64.const 0.1) (local.get $hOld)))
        (if (i32.and (f64.lt (local.get $d) (local.get $dh)) (f64.gt (local.get $d) (f64.mul (f64.const -0.1) (local.get $hOld))))
          (then
            (local.set $y (f64.promote_f32 (f32.load (i32.add (local.get $pHic) (local.get $oi)))))
            (f32.store (i32.add (local.get $pHic) (local.get $oi)) (f32.demote_f64 (f64.mul
              (f64.mul (local.get $y)
                (f64.sub (f64.const 4) (f64.mul (f64.mul (f64.mul (local.get $hs) (local.get $y)) (local.get $y)) (local.get $y))))
              (f64.const 0x1.5555555555555p-2)))))
          (else
            (f32.store (i32.add (local.get $pHic) (local.get $oi)) (f32.demote_f64 (f64.div (f64.const 1) (call $cbrt (local.get $hs)))))))
        (local.set $hm (select (local.get $hs) (local.get $hm) (f64.gt (local.get $hs) (local.get $hm))))
        (if (f64.gt (local.get $hs) (f64.promote_f32 (f32.load (i32.add (local.get $pMax) (local.get $oi)))))
          (then
            (f32.store (i32.add (local.get $pMax) (local.get $oi)) (f32.demote_f64 (local.get $hs)))
            (if (i32.and (f64.ge (local.get $hs) (local.get $arrD))
                  (f32.ne (f32.load (i32.add (local.get $pArr) (local.get $oi))) (f32.load (i32.add (local.get $pArr) (local.get $oi)))))
              (then (f32.store (i32.add (local.get $pArr) (local.get $oi)) (f32.demote_f64 (local.get $t1))))))))
      (local.set $oi (i32.add (local.get $oi) (i32.const 4)))
      (local.set $of (i32.add (local.get $of) (i32.const 4)))
      (br $lc)))
    (local.get $hm))
)
