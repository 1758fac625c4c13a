#include "textflag.h"

// Offsets in lane (TestLaneLayout).
#define L_RNGHI 0
#define L_RNGLO 8
#define L_X 16
#define L_ND 20
#define L_CNT 24
#define L_NV 32
#define L_TERMNODE 40
#define L_TERMSTEP 48
#define L_LIVE 56
#define L_REC 64
#define L_VISITED 88
#define L_SIZE 112

// func stepLanes(ls *lane, n, t, tEnd, H, alive int, nodes *simNode, slots *simSlot, pow0 *float64) (int, int)
//
// runGroup's step loop: for t < tEnd while some lane is alive, a step of
// each live lane in turn (its record at its node, the draw, the alias
// slot, the next node, an ending entered). PCG-DXSM as pcg.next.
TEXT ·stepLanes(SB), NOSPLIT, $0-88
	MOVQ t+16(FP), R8
	MOVQ H+32(FP), R9
	MOVQ alive+40(FP), R10
	MOVQ nodes+48(FP), R13
	MOVQ slots+56(FP), R14
	MOVQ n+8(FP), AX
	IMULQ $L_SIZE, AX
	ADDQ ls+0(FP), AX
	MOVQ AX, R12

tloop:
	CMPQ  R8, tEnd+24(FP)
	JGE   done
	TESTQ R10, R10
	JLE   done
	MOVQ  ls+0(FP), R11

lloop:
	CMPB L_LIVE(R11), $0
	JEQ  lnext

	// The step at x: occupancy, first visit, visited list, discounted step.
	MOVLQSX L_X(R11), SI
	MOVQ    SI, DI
	SHLQ    $4, DI
	ADDQ    L_REC(R11), DI
	MOVL    0(DI), AX
	MOVL    4(DI), CX
	XORL    DX, DX
	TESTL   AX, AX
	CMOVLEQ R8, CX
	SETEQ   DL
	INCL    AX
	MOVL    AX, 0(DI)
	MOVL    CX, 4(DI)
	MOVQ    L_NV(R11), AX
	MOVQ    L_VISITED(R11), BX
	MOVL    SI, (BX)(AX*4)
	ADDQ    DX, AX
	MOVQ    AX, L_NV(R11)
	MOVQ    pow0+64(FP), BX
	TESTQ   BX, BX
	JEQ     draw
	MOVSD   8(DI), X0
	ADDSD   (BX)(R8*8), X0
	MOVSD   X0, 8(DI)

draw:
	// PCG-DXSM: the 128-bit state times the multiplier plus the increment.
	MOVQ L_RNGLO(R11), AX
	MOVQ AX, SI
	MOVQ $4865540595714422341, CX
	MULQ CX
	MOVQ L_RNGHI(R11), BX
	IMULQ CX, BX
	MOVQ $2549297995355413924, DI
	IMULQ SI, DI
	ADDQ BX, DX
	ADDQ DI, DX
	MOVQ $1442695040888963407, CX
	ADDQ CX, AX
	MOVQ $6364136223846793005, CX
	ADCQ CX, DX
	MOVQ AX, L_RNGLO(R11)
	MOVQ DX, L_RNGHI(R11)
	MOVQ DX, BX
	SHRQ $32, BX
	XORQ BX, DX
	MOVQ $0xda942042e4dd58b5, CX
	IMULQ CX, DX
	MOVQ DX, BX
	SHRQ $48, BX
	XORQ BX, DX
	ORQ  $1, AX
	IMULQ AX, DX

	// The slot: high half of draw × count; keep or alias by the low half.
	MOVQ    DX, AX
	MOVL    L_CNT(R11), CX
	MULQ    CX
	MOVLQSX L_ND(R11), BX
	ADDQ    DX, BX
	SHLQ    $4, BX
	ADDQ    R14, BX
	XORL    CX, CX
	CMPQ    AX, 0(BX)
	SETCC   CL
	MOVLQSX 8(BX)(CX*4), SI
	MOVQ    (R13)(SI*8), DI
	MOVL    SI, L_X(R11)
	MOVQ    DI, L_ND(R11)
	SHRQ    $32, DI
	TESTL   DI, DI
	JNE     lnext

	// An ending, entered at step t+1 and never left: its one visit.
	MOVL SI, L_TERMNODE(R11)
	LEAQ 1(R8), AX
	MOVQ AX, L_TERMSTEP(R11)
	MOVQ SI, BX
	SHLQ $4, BX
	ADDQ L_REC(R11), BX
	MOVQ R9, CX
	SUBQ AX, CX
	MOVL CX, 0(BX)
	MOVL AX, 4(BX)
	MOVQ $0, 8(BX)
	MOVQ L_NV(R11), CX
	MOVQ L_VISITED(R11), DX
	MOVL SI, (DX)(CX*4)
	INCQ CX
	MOVQ CX, L_NV(R11)
	MOVB $0, L_LIVE(R11)
	DECQ R10

lnext:
	ADDQ $L_SIZE, R11
	CMPQ R11, R12
	JLT  lloop
	INCQ R8
	JMP  tloop

done:
	MOVQ R8, ret+72(FP)
	MOVQ R10, ret1+80(FP)
	RET
