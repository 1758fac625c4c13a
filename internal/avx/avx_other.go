//go:build !amd64

package avx

func supported() bool { return false }
