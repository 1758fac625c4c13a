//go:build unix

package gamefile

import (
	"fmt"
	"os"
	"syscall"
)

// readFile reads the file at path, refusing more than limit bytes, with
// plain system calls: an *os.File would register the descriptor with the
// runtime's poller (on Linux, creating the epoll instance for it) and set
// a finalizer, about 2 % of the CPU time of a small truce-nash run
// (docs/benchmarks.md, "Process start"). Its errors are those os.Open,
// (*os.File).Stat and Read give, and a directory or a regular file over
// the limit is refused before it is read.
func readFile(path string, limit int64) ([]byte, error) {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if _, err := ignoringEINTR(func() (int, error) { return 0, syscall.Fstat(fd, &st) }); err != nil {
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	size := int64(0)
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return nil, fmt.Errorf("%s is a directory, not a file", path)
	case syscall.S_IFREG:
		if size = int64(st.Size); size > limit {
			return nil, tooLarge(path, size, limit)
		}
	}
	// Room for the whole file and one byte more, to see its end (or that
	// it grew past the limit) without growing the buffer.
	buf := make([]byte, 0, min(max(size+1, 512), limit+1))
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := buf[len(buf):min(int64(cap(buf)), limit+1)]
		n, err := ignoringEINTR(func() (int, error) { return syscall.Read(fd, room) })
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, &os.PathError{Op: "read", Path: path, Err: err})
		}
		if n <= 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	return buf, nil
}

// ignoringEINTR retries f while it is interrupted by a signal, as package
// os does for its system calls.
func ignoringEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
