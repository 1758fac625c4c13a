#include "textflag.h"

// func addRowsAVX(q *float64, col *int32, w *float64, ne int, m *float64, b int)
//
// For each of the ne edges: q[col[e]*b+i] += w[e]*m[i] for i < b, four at
// a time, then one at a time; multiply and add are separate instructions
// (no fused multiply-add), as in addRowsGo.
TEXT ·addRowsAVX(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), DI
	MOVQ col+8(FP), SI
	MOVQ w+16(FP), DX
	MOVQ ne+24(FP), CX
	MOVQ m+32(FP), R8
	MOVQ b+40(FP), R9
	MOVQ R9, R10
	ANDQ $-4, R10

edge:
	MOVLQSX      (SI), AX
	IMULQ        R9, AX
	LEAQ         (DI)(AX*8), BX
	VBROADCASTSD (DX), Y0
	XORQ         AX, AX

quad:
	CMPQ    AX, R10
	JGE     tail
	VMULPD  (R8)(AX*8), Y0, Y1
	VADDPD  (BX)(AX*8), Y1, Y1
	VMOVUPD Y1, (BX)(AX*8)
	ADDQ    $4, AX
	JMP     quad

tail:
	CMPQ   AX, R9
	JGE    next
	VMULSD (R8)(AX*8), X0, X1
	VADDSD (BX)(AX*8), X1, X1
	VMOVSD X1, (BX)(AX*8)
	INCQ   AX
	JMP    tail

next:
	ADDQ $4, SI
	ADDQ $8, DX
	DECQ CX
	JNZ  edge
	VZEROUPPER
	RET
