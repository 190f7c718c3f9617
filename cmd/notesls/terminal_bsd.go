//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package main

import "syscall"

// ioctlGetTermios asks a terminal for its settings; anything else refuses it.
const ioctlGetTermios = syscall.TIOCGETA
