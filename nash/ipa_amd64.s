#include "textflag.h"

// func luEliminateAVX(a []float64, n, k int, inv float64) bool
//
// Reports whether a[k][k..n-1] are all finite. For every row i of the
// n×n matrix a below row k: l = a[i][k]*inv is stored in a[i][k], and
// unless l == 0 (NaN is not), a[i][j] = a[i][j] - l*a[k][j] for
// k < j < n, four at a time, then one at a time; multiply and subtract
// are separate instructions, as in luEliminateGo.
TEXT ·luEliminateAVX(SB), NOSPLIT, $0-49
	MOVQ   a_base+0(FP), DI
	MOVQ   n+24(FP), CX
	MOVQ   k+32(FP), R10
	VMOVSD inv+40(FP), X0
	VXORPD X5, X5, X5

	// The pivot row from the diagonal: OR of the bits of v-v (0 for a
	// finite v, NaN otherwise) in Y6 and X7.
	MOVQ   R10, SI
	IMULQ  CX, SI
	ADDQ   R10, SI
	LEAQ   (DI)(SI*8), SI
	MOVQ   CX, R9
	SUBQ   R10, R9
	MOVQ   R9, BX
	ANDQ   $-4, BX
	VXORPD Y6, Y6, Y6
	VXORPD X7, X7, X7
	XORQ   AX, AX

fquad:
	CMPQ    AX, BX
	JGE     ftail
	VMOVUPD (SI)(AX*8), Y3
	VSUBPD  Y3, Y3, Y3
	VORPD   Y3, Y6, Y6
	ADDQ    $4, AX
	JMP     fquad

ftail:
	CMPQ   AX, R9
	JGE    fdone
	VMOVSD (SI)(AX*8), X3
	VSUBSD X3, X3, X3
	VORPD  X3, X7, X7
	INCQ   AX
	JMP    ftail

fdone:
	VORPD  Y7, Y6, Y6
	VPTEST Y6, Y6
	SETEQ  ret+48(FP)

	// SI: &a[k][k+1]; R9: the row length k+1..n-1; BX: its multiple of 4
	ADDQ  $8, SI
	DECQ  R9
	MOVQ  R9, BX
	ANDQ  $-4, BX
	// DX: &a[i][k] for i = k+1; R12 counts the rows left
	MOVQ  R10, DX
	INCQ  DX
	IMULQ CX, DX
	ADDQ  R10, DX
	LEAQ  (DI)(DX*8), DX
	MOVQ  R9, R12

erow:
	TESTQ    R12, R12
	JLE      edone
	VMOVSD   (DX), X1
	VMULSD   X0, X1, X1
	VMOVSD   X1, (DX)
	VUCOMISD X5, X1
	JNE      ego
	JPS      ego
	JMP      enext

ego:
	VMOVDDUP     X1, X1
	VINSERTF128  $1, X1, Y1, Y1
	LEAQ         8(DX), R8
	XORQ         AX, AX

equad:
	CMPQ    AX, BX
	JGE     etail
	VMOVUPD (SI)(AX*8), Y4
	VMULPD  Y1, Y4, Y4
	VMOVUPD (R8)(AX*8), Y3
	VSUBPD  Y4, Y3, Y3
	VMOVUPD Y3, (R8)(AX*8)
	ADDQ    $4, AX
	JMP     equad

etail:
	CMPQ   AX, R9
	JGE    enext
	VMOVSD (SI)(AX*8), X4
	VMULSD X1, X4, X4
	VMOVSD (R8)(AX*8), X3
	VSUBSD X4, X3, X3
	VMOVSD X3, (R8)(AX*8)
	INCQ   AX
	JMP    etail

enext:
	LEAQ (DX)(CX*8), DX
	DECQ R12
	JMP  erow

edone:
	VZEROUPPER
	RET

// func rowMaxAbsAVX(x []float64, mask float64) (float64, bool)
//
// The largest |x[j]| (VMAXPD: meaningful when every x[j] is finite) and
// whether every x[j] is finite (the OR of the bits of x[j]-x[j] is 0).
TEXT ·rowMaxAbsAVX(SB), NOSPLIT, $0-41
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSD mask+24(FP), Y2
	VXORPD       Y0, Y0, Y0
	VXORPD       Y6, Y6, Y6
	MOVQ         CX, BX
	ANDQ         $-4, BX
	XORQ         AX, AX

mquad:
	CMPQ    AX, BX
	JGE     mhsum
	VMOVUPD (SI)(AX*8), Y3
	VSUBPD  Y3, Y3, Y4
	VORPD   Y4, Y6, Y6
	VANDPD  Y2, Y3, Y3
	VMAXPD  Y3, Y0, Y0
	ADDQ    $4, AX
	JMP     mquad

mhsum:
	VEXTRACTF128 $1, Y0, X1
	VMAXPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VMAXSD       X1, X0, X0

mtail:
	CMPQ   AX, CX
	JGE    mdone
	VMOVSD (SI)(AX*8), X3
	VSUBSD X3, X3, X4
	VORPD  Y4, Y6, Y6
	VANDPD X2, X3, X3
	VMAXSD X3, X0, X0
	INCQ   AX
	JMP    mtail

mdone:
	VMOVSD X0, ret+32(FP)
	VPTEST Y6, Y6
	SETEQ  ret1+40(FP)
	VZEROUPPER
	RET

// func lhReplayAVX(col, hist []float64, steps []ipaStep)
//
// ipaTableau.column's replay of the recorded pivots steps on column col
// (R = len(col) entries), pivot k's column at hist[k*R:]. ipaStep is
// {pr int; pv, den, div float64; sign uint64; rden float64; n int}: 56
// bytes, fields at 0, 8, 16, 24, 32, 40, 48. For each step: p = col[pr];
// col[i] = (col[i]*pv - hist[i]*p) / den for i < n, four at a time, then
// one at a time (multiply, subtract and divide separate, as in lhRowGo),
// times rden instead of / den when rden is not 0; col[pr] = p with its
// sign bit flipped by sign; when div is not 0, col[i] /= div for i < n.
TEXT ·lhReplayAVX(SB), NOSPLIT, $0-72
	MOVQ col_base+0(FP), DI
	MOVQ col_len+8(FP), R13
	MOVQ hist_base+24(FP), SI
	MOVQ steps_base+48(FP), R8
	MOVQ steps_len+56(FP), R9

rstep:
	TESTQ        R9, R9
	JLE          rdone
	MOVQ         48(R8), CX
	MOVQ         CX, BX
	ANDQ         $-4, BX
	MOVQ         0(R8), R10
	VBROADCASTSD 8(R8), Y0
	VBROADCASTSD 16(R8), Y2
	VBROADCASTSD (DI)(R10*8), Y1
	MOVQ         (DI)(R10*8), R12
	XORQ         AX, AX
	MOVQ         40(R8), R11
	TESTQ        R11, R11
	JNZ          rmul

rquad:
	CMPQ    AX, BX
	JGE     rtail
	VMOVUPD (DI)(AX*8), Y3
	VMOVUPD (SI)(AX*8), Y4
	VMULPD  Y0, Y3, Y3
	VMULPD  Y1, Y4, Y4
	VSUBPD  Y4, Y3, Y3
	VDIVPD  Y2, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     rquad

rtail:
	CMPQ   AX, CX
	JGE    rfix
	VMOVSD (DI)(AX*8), X3
	VMOVSD (SI)(AX*8), X4
	VMULSD X0, X3, X3
	VMULSD X1, X4, X4
	VSUBSD X4, X3, X3
	VDIVSD X2, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    rtail

rmul:
	VBROADCASTSD 40(R8), Y2

rmquad:
	CMPQ    AX, BX
	JGE     rmtail
	VMOVUPD (DI)(AX*8), Y3
	VMOVUPD (SI)(AX*8), Y4
	VMULPD  Y0, Y3, Y3
	VMULPD  Y1, Y4, Y4
	VSUBPD  Y4, Y3, Y3
	VMULPD  Y2, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     rmquad

rmtail:
	CMPQ   AX, CX
	JGE    rfix
	VMOVSD (DI)(AX*8), X3
	VMOVSD (SI)(AX*8), X4
	VMULSD X0, X3, X3
	VMULSD X1, X4, X4
	VSUBSD X4, X3, X3
	VMULSD X2, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    rmtail

rfix:
	XORQ 32(R8), R12
	MOVQ R12, (DI)(R10*8)
	MOVQ 24(R8), R11
	TESTQ R11, R11
	JZ    rnext
	VBROADCASTSD 24(R8), Y2
	XORQ         AX, AX

rdquad:
	CMPQ    AX, BX
	JGE     rdtail
	VMOVUPD (DI)(AX*8), Y3
	VDIVPD  Y2, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     rdquad

rdtail:
	CMPQ   AX, CX
	JGE    rnext
	VMOVSD (DI)(AX*8), X3
	VDIVSD X2, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    rdtail

rnext:
	ADDQ $56, R8
	LEAQ (SI)(R13*8), SI
	DECQ R9
	JMP  rstep

rdone:
	VZEROUPPER
	RET

// func lhRatiosAVX(a, b, q []float64, inf float64)
//
// q[r] = b[r]/a[r] where a[r] > 0 (ordered: not for NaN), +Inf elsewhere,
// for r < len(q) (a and b at least as long), four at a time, then one at
// a time: the quotient's bits where the comparison's mask is set, inf's
// (+Inf) where it is not, as lhRatiosGo.
TEXT ·lhRatiosAVX(SB), NOSPLIT, $0-80
	MOVQ         a_base+0(FP), DI
	MOVQ         b_base+24(FP), SI
	MOVQ         q_base+48(FP), DX
	MOVQ         q_len+56(FP), CX
	VBROADCASTSD inf+72(FP), Y7
	VXORPD       Y6, Y6, Y6
	MOVQ         CX, BX
	ANDQ         $-4, BX
	XORQ         AX, AX

qquad:
	CMPQ    AX, BX
	JGE     qtail
	VMOVUPD (DI)(AX*8), Y3
	VMOVUPD (SI)(AX*8), Y4
	VCMPPD  $0x1e, Y6, Y3, Y5
	VDIVPD  Y3, Y4, Y4
	VANDPD  Y5, Y4, Y4
	VANDNPD Y7, Y5, Y5
	VORPD   Y5, Y4, Y4
	VMOVUPD Y4, (DX)(AX*8)
	ADDQ    $4, AX
	JMP     qquad

qtail:
	CMPQ    AX, CX
	JGE     qdone
	VMOVSD  (DI)(AX*8), X3
	VMOVSD  (SI)(AX*8), X4
	VCMPSD  $0x1e, X6, X3, X5
	VDIVSD  X3, X4, X4
	VANDPD  X5, X4, X4
	VANDNPD X7, X5, X5
	VORPD   X5, X4, X4
	VMOVSD  X4, (DX)(AX*8)
	INCQ    AX
	JMP     qtail

qdone:
	VZEROUPPER
	RET

// func firstMinAVX(q []float64, inf float64) int
//
// m = the smallest of inf and the numbers of q (VMINPD with q first: a
// NaN gives the running minimum back); -1 if m is inf, else the first r
// with q[r] == m.
TEXT ·firstMinAVX(SB), NOSPLIT, $0-40
	MOVQ         q_base+0(FP), SI
	MOVQ         q_len+8(FP), CX
	VBROADCASTSD inf+24(FP), Y0
	MOVQ         CX, BX
	ANDQ         $-4, BX
	XORQ         AX, AX

nquad:
	CMPQ    AX, BX
	JGE     nhmin
	VMOVUPD (SI)(AX*8), Y1
	VMINPD  Y0, Y1, Y0
	ADDQ    $4, AX
	JMP     nquad

nhmin:
	VEXTRACTF128 $1, Y0, X1
	VMINPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VMINSD       X1, X0, X0

ntail:
	CMPQ   AX, CX
	JGE    nfind
	VMOVSD (SI)(AX*8), X1
	VMINSD X0, X1, X0
	INCQ   AX
	JMP    ntail

nfind:
	MOVQ     $-1, DX
	VMOVSD   inf+24(FP), X2
	VUCOMISD X2, X0
	JEQ      ndone
	XORQ     AX, AX

nscan:
	CMPQ     AX, CX
	JGE      ndone
	VUCOMISD (SI)(AX*8), X0
	JNE      nnext
	JPS      nnext
	MOVQ     AX, DX
	JMP      ndone

nnext:
	INCQ AX
	JMP  nscan

ndone:
	MOVQ DX, ret+32(FP)
	VZEROUPPER
	RET

// func lastMaxAVX(w []float64, ninf float64) int
//
// m = the largest of ninf and the numbers of w (VMAXPD with w first: a
// NaN gives the running maximum back); -1 if m is ninf (every number
// NaN; the numbers are not negative), else the last i with w[i] == m.
TEXT ·lastMaxAVX(SB), NOSPLIT, $0-40
	MOVQ         w_base+0(FP), SI
	MOVQ         w_len+8(FP), CX
	VBROADCASTSD ninf+24(FP), Y0
	MOVQ         CX, BX
	ANDQ         $-4, BX
	XORQ         AX, AX

xquad:
	CMPQ    AX, BX
	JGE     xhmax
	VMOVUPD (SI)(AX*8), Y1
	VMAXPD  Y0, Y1, Y0
	ADDQ    $4, AX
	JMP     xquad

xhmax:
	VEXTRACTF128 $1, Y0, X1
	VMAXPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VMAXSD       X1, X0, X0

xtail:
	CMPQ   AX, CX
	JGE    xfind
	VMOVSD (SI)(AX*8), X1
	VMAXSD X0, X1, X0
	INCQ   AX
	JMP    xtail

xfind:
	MOVQ     $-1, DX
	VMOVSD   ninf+24(FP), X2
	VUCOMISD X2, X0
	JEQ      xdone
	MOVQ     CX, AX

xscan:
	DECQ     AX
	JL       xdone
	VUCOMISD (SI)(AX*8), X0
	JNE      xscan
	JPS      xscan
	MOVQ     AX, DX

xdone:
	MOVQ DX, ret+32(FP)
	VZEROUPPER
	RET
