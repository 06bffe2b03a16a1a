//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// openNoFollow refuses a symbolic link at the last path component;
// O_NONBLOCK keeps a FIFO swapped in after Lstat from blocking the open
// (the descriptor check then refuses it).
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// ownedByMe reports the file's owner, this process's effective user, and
// whether they are the same.
func ownedByMe(fi os.FileInfo) (owner, me int, ok bool) {
	me = os.Geteuid()
	st, isUnix := fi.Sys().(*syscall.Stat_t)
	if !isUnix {
		return -1, me, false
	}
	return int(st.Uid), me, int(st.Uid) == me
}

// isLoop: O_NOFOLLOW met a symbolic link (ELOOP; EMLINK on some BSDs).
func isLoop(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}
