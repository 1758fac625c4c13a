#include "textflag.h"

// func lhRowAVX(row, prow []float64, pv, f, den float64)
//
// row[j] = (row[j]*pv - f*prow[j]) / den for j < len(prow), four at a
// time, then one at a time; multiply, subtract and divide are separate
// instructions (no fused multiply-add), as in lhRowGo.
TEXT ·lhRowAVX(SB), NOSPLIT, $0-72
	MOVQ         row_base+0(FP), DI
	MOVQ         prow_base+24(FP), SI
	MOVQ         prow_len+32(FP), CX
	VBROADCASTSD pv+48(FP), Y0
	VBROADCASTSD f+56(FP), Y1
	VBROADCASTSD den+64(FP), Y2
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-4, BX

quad:
	CMPQ    AX, BX
	JGE     tail
	VMOVUPD (DI)(AX*8), Y3
	VMOVUPD (SI)(AX*8), Y4
	VMULPD  Y0, Y3, Y3
	VMULPD  Y1, Y4, Y4
	VSUBPD  Y4, Y3, Y3
	VDIVPD  Y2, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     quad

tail:
	CMPQ   AX, CX
	JGE    done
	VMOVSD (DI)(AX*8), X3
	VMOVSD (SI)(AX*8), X4
	VMULSD X0, X3, X3
	VMULSD X1, X4, X4
	VSUBSD X4, X3, X3
	VDIVSD X2, X3, X3
	VMOVSD X3, (DI)(AX*8)
	INCQ   AX
	JMP    tail

done:
	VZEROUPPER
	RET
