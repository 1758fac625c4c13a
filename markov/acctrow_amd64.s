#include "textflag.h"

// func accountRowsAVX(dst *[16]float64, rows *float64, idx *int32, wo, wd *float64, n int, mask *[16]uint64)
//
// Y0..Y3 hold dst; for each of the n nodes x = idx[j], quad k of row x
// (16 float64 from rows+x*128) is multiplied by wo[j] or wd[j] (chosen by
// mask quad k's sign bits) and added: multiply and add are separate
// instructions (no fused multiply-add), as in accountRowsGo.
TEXT ·accountRowsAVX(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ rows+8(FP), SI
	MOVQ idx+16(FP), R8
	MOVQ wo+24(FP), R9
	MOVQ wd+32(FP), R10
	MOVQ n+40(FP), CX
	MOVQ mask+48(FP), R11

	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	VMOVUPD (R11), Y8
	VMOVUPD 32(R11), Y9
	VMOVUPD 64(R11), Y10
	VMOVUPD 96(R11), Y11

node:
	MOVLQSX      (R8), AX
	SHLQ         $7, AX
	LEAQ         (SI)(AX*1), BX
	VBROADCASTSD (R9), Y4
	VBROADCASTSD (R10), Y5

	VBLENDVPD Y8, Y4, Y5, Y12
	VMULPD    (BX), Y12, Y13
	VADDPD    Y13, Y0, Y0
	VBLENDVPD Y9, Y4, Y5, Y12
	VMULPD    32(BX), Y12, Y13
	VADDPD    Y13, Y1, Y1
	VBLENDVPD Y10, Y4, Y5, Y12
	VMULPD    64(BX), Y12, Y13
	VADDPD    Y13, Y2, Y2
	VBLENDVPD Y11, Y4, Y5, Y12
	VMULPD    96(BX), Y12, Y13
	VADDPD    Y13, Y3, Y3

	ADDQ $4, R8
	ADDQ $8, R9
	ADDQ $8, R10
	DECQ CX
	JNZ  node

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET
