#include "textflag.h"

// func elimRowsAVX(t []float64, rows, st, pr, pc int)
//
// Every row r != pr of the rows×st tableau t with f = t[r][pc] != 0:
// t[r][j] = t[r][j] - f*t[pr][j] for j < st, four at a time, then one at
// a time, multiply and subtract as separate instructions (no fused
// multiply-add), as in elimRowsGo; then t[r][pc] = 0.
TEXT ·elimRowsAVX(SB), NOSPLIT, $0-56
	MOVQ  t_base+0(FP), DI
	MOVQ  rows+24(FP), R9
	MOVQ  st+32(FP), CX
	MOVQ  pr+40(FP), R10
	MOVQ  pc+48(FP), R11
	MOVQ  R10, SI
	IMULQ CX, SI
	LEAQ  (DI)(SI*8), SI
	MOVQ  CX, BX
	ANDQ  $-4, BX
	XORQ  R12, R12
	VXORPD X5, X5, X5

erow:
	CMPQ         R12, R9
	JGE          edone
	CMPQ         R12, R10
	JEQ          enext
	VMOVSD       (DI)(R11*8), X1
	VUCOMISD     X5, X1
	JNE          ego
	JPS          ego
	JMP          enext

ego:
	VMOVDDUP     X1, X1
	VINSERTF128  $1, X1, Y1, Y1
	XORQ         AX, AX

equad:
	CMPQ    AX, BX
	JGE     etail
	VMOVUPD (DI)(AX*8), Y3
	VMOVUPD (SI)(AX*8), Y4
	VMULPD  Y1, Y4, Y4
	VSUBPD  Y4, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     equad

etail:
	CMPQ   AX, CX
	JGE    ezero
	VMOVSD (DI)(AX*8), X3
	VMOVSD (SI)(AX*8), X4
	VMULSD X1, X4, X4
	VSUBSD X4, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    etail

ezero:
	VMOVSD X5, (DI)(R11*8)

enext:
	LEAQ (DI)(CX*8), DI
	INCQ R12
	JMP  erow

edone:
	VZEROUPPER
	RET
