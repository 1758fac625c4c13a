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
	MOVQ R9, R11
	ANDQ $-16, R11

edge:
	MOVLQSX      (SI), AX
	IMULQ        R9, AX
	LEAQ         (DI)(AX*8), BX
	VBROADCASTSD (DX), Y0
	XORQ         AX, AX
	TESTQ        R11, R11
	JZ           quad

	// Sixteen targets an iteration: four independent multiply, add,
	// store chains and one loop test.
sixteen:
	VMULPD  (R8)(AX*8), Y0, Y1
	VMULPD  32(R8)(AX*8), Y0, Y2
	VMULPD  64(R8)(AX*8), Y0, Y3
	VMULPD  96(R8)(AX*8), Y0, Y4
	VADDPD  (BX)(AX*8), Y1, Y1
	VADDPD  32(BX)(AX*8), Y2, Y2
	VADDPD  64(BX)(AX*8), Y3, Y3
	VADDPD  96(BX)(AX*8), Y4, Y4
	VMOVUPD Y1, (BX)(AX*8)
	VMOVUPD Y2, 32(BX)(AX*8)
	VMOVUPD Y3, 64(BX)(AX*8)
	VMOVUPD Y4, 96(BX)(AX*8)
	ADDQ    $16, AX
	CMPQ    AX, R11
	JL      sixteen

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

// func pullRowAVX(q *float64, col *int32, w *float64, ne int, m *float64, b int)
//
// For i < b: q[i] += w[e]*m[col[e]*b+i] for each of the ne edges in order,
// sixteen targets at a time in four accumulators, then four, then one;
// multiply and add are separate instructions, as in pullRowGo.
TEXT ·pullRowAVX(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), DI
	MOVQ m+32(FP), R8
	MOVQ b+40(FP), R9
	XORQ R12, R12

p16:
	LEAQ    16(R12), AX
	CMPQ    AX, R9
	JG      p4
	VMOVUPD (DI)(R12*8), Y1
	VMOVUPD 32(DI)(R12*8), Y2
	VMOVUPD 64(DI)(R12*8), Y3
	VMOVUPD 96(DI)(R12*8), Y4
	MOVQ    col+8(FP), SI
	MOVQ    w+16(FP), DX
	MOVQ    ne+24(FP), CX

e16:
	MOVLQSX      (SI), AX
	IMULQ        R9, AX
	LEAQ         (R8)(AX*8), BX
	VBROADCASTSD (DX), Y0
	VMULPD       (BX)(R12*8), Y0, Y5
	VMULPD       32(BX)(R12*8), Y0, Y6
	VMULPD       64(BX)(R12*8), Y0, Y7
	VMULPD       96(BX)(R12*8), Y0, Y8
	VADDPD       Y5, Y1, Y1
	VADDPD       Y6, Y2, Y2
	VADDPD       Y7, Y3, Y3
	VADDPD       Y8, Y4, Y4
	ADDQ         $4, SI
	ADDQ         $8, DX
	DECQ         CX
	JNZ          e16
	VMOVUPD      Y1, (DI)(R12*8)
	VMOVUPD      Y2, 32(DI)(R12*8)
	VMOVUPD      Y3, 64(DI)(R12*8)
	VMOVUPD      Y4, 96(DI)(R12*8)
	ADDQ         $16, R12
	JMP          p16

p4:
	LEAQ    4(R12), AX
	CMPQ    AX, R9
	JG      p1
	VMOVUPD (DI)(R12*8), Y1
	MOVQ    col+8(FP), SI
	MOVQ    w+16(FP), DX
	MOVQ    ne+24(FP), CX

e4:
	MOVLQSX      (SI), AX
	IMULQ        R9, AX
	LEAQ         (R8)(AX*8), BX
	VBROADCASTSD (DX), Y0
	VMULPD       (BX)(R12*8), Y0, Y5
	VADDPD       Y5, Y1, Y1
	ADDQ         $4, SI
	ADDQ         $8, DX
	DECQ         CX
	JNZ          e4
	VMOVUPD      Y1, (DI)(R12*8)
	ADDQ         $4, R12
	JMP          p4

p1:
	CMPQ   R12, R9
	JGE    pdone
	VMOVSD (DI)(R12*8), X1
	MOVQ   col+8(FP), SI
	MOVQ   w+16(FP), DX
	MOVQ   ne+24(FP), CX

e1:
	MOVLQSX (SI), AX
	IMULQ   R9, AX
	LEAQ    (R8)(AX*8), BX
	VMOVSD  (DX), X0
	VMULSD  (BX)(R12*8), X0, X5
	VADDSD  X5, X1, X1
	ADDQ    $4, SI
	ADDQ    $8, DX
	DECQ    CX
	JNZ     e1
	VMOVSD  X1, (DI)(R12*8)
	INCQ    R12
	JMP     p1

pdone:
	VZEROUPPER
	RET
