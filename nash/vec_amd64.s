#include "textflag.h"

// func addScaledAVX(y, x []float64, a float64)
//
// y[j] = y[j] + a*x[j] for j < len(x), four at a time, then one at a
// time; multiply and add are separate instructions (no fused
// multiply-add), as in addScaledGo.
TEXT ·addScaledAVX(SB), NOSPLIT, $0-56
	MOVQ         y_base+0(FP), DI
	MOVQ         x_base+24(FP), SI
	MOVQ         x_len+32(FP), CX
	VBROADCASTSD a+48(FP), Y1
	MOVQ         CX, BX
	ANDQ         $-4, BX
	XORQ         AX, AX

pquad:
	CMPQ    AX, BX
	JGE     ptail
	VMOVUPD (SI)(AX*8), Y4
	VMULPD  Y1, Y4, Y4
	VMOVUPD (DI)(AX*8), Y3
	VADDPD  Y4, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     pquad

ptail:
	CMPQ   AX, CX
	JGE    pdone
	VMOVSD (SI)(AX*8), X4
	VMULSD X1, X4, X4
	VMOVSD (DI)(AX*8), X3
	VADDSD X4, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    ptail

pdone:
	VZEROUPPER
	RET

// func subScaledAVX(y, x []float64, a float64)
//
// y[j] = y[j] - a*x[j] for j < len(x), as addScaledAVX with a subtraction.
TEXT ·subScaledAVX(SB), NOSPLIT, $0-56
	MOVQ         y_base+0(FP), DI
	MOVQ         x_base+24(FP), SI
	MOVQ         x_len+32(FP), CX
	VBROADCASTSD a+48(FP), Y1
	MOVQ         CX, BX
	ANDQ         $-4, BX
	XORQ         AX, AX

mquad:
	CMPQ    AX, BX
	JGE     mtail
	VMOVUPD (SI)(AX*8), Y4
	VMULPD  Y1, Y4, Y4
	VMOVUPD (DI)(AX*8), Y3
	VSUBPD  Y4, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     mquad

mtail:
	CMPQ   AX, CX
	JGE    mdone
	VMOVSD (SI)(AX*8), X4
	VMULSD X1, X4, X4
	VMOVSD (DI)(AX*8), X3
	VSUBSD X4, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    mtail

mdone:
	VZEROUPPER
	RET

// func divideByAVX(x []float64, d float64)
//
// x[j] = x[j] / d for every j, four at a time, then one at a time.
TEXT ·divideByAVX(SB), NOSPLIT, $0-32
	MOVQ         x_base+0(FP), DI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSD d+24(FP), Y1
	MOVQ         CX, BX
	ANDQ         $-4, BX
	XORQ         AX, AX

dquad:
	CMPQ    AX, BX
	JGE     dtail
	VMOVUPD (DI)(AX*8), Y3
	VDIVPD  Y1, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     dquad

dtail:
	CMPQ   AX, CX
	JGE    ddone
	VMOVSD (DI)(AX*8), X3
	VDIVSD X1, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    dtail

ddone:
	VZEROUPPER
	RET
