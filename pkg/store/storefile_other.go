//go:build !unix

package store

import "os"

// Elsewhere (Windows) there is no O_NOFOLLOW and no numeric owner: the
// Lstat and descriptor checks still refuse links and non-regular files.
const openNoFollow = 0

func ownedByMe(os.FileInfo) (owner, me int, ok bool) { return 0, 0, true }

func isLoop(error) bool { return false }
