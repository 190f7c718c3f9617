package main

import "io"

// runServe is being written: the language server over stdio.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int { return 2 }
