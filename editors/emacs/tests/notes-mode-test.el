;;; notes-mode-test.el --- notes-mode and notesls through eglot, in batch Emacs  -*- lexical-binding: t; -*-

;; Run by editors/emacs/scripts/test.sh:
;;   NOTESLS_CMD=/path/to/notesls NOTESLS_TEST_DIR=/tmp/x \
;;     emacs --batch -Q -L editors/emacs -l editors/emacs/tests/notes-mode-test.el
;; It drives Debian's eglot the way a user's Emacs does: flymake for diagnostics, eldoc for
;; hover, xref for go-to-definition and completion-at-point, on a copy of the real corpus.

;;; Code:

(require 'package)
;; Debian's elpa-eglot (with the newer project and xref it needs) lives in site-lisp/elpa,
;; which -Q leaves out of the package directories.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'ert)
(require 'eglot)
(require 'notes-mode)

(defconst notes-test-timeout 20 "Seconds any one wait may take.")

(defvar notes-test-buffer nil "The corpus, visited in notes-mode with eglot managing it.")

(defun notes-test--run-idle-timers ()
  "Run the pending idle timers and the post-command hook, as a pause in a real session would.
Batch Emacs is never idle and runs no commands, so eglot's didChange (sent after
`eglot-send-changes-idle-time') and flymake's deferred start would never happen."
  (dolist (timer (copy-sequence timer-idle-list))
    (timer-event-handler timer))
  (with-current-buffer notes-test-buffer
    (run-hooks 'post-command-hook)))

(defun notes-test--wait (what pred)
  "Wait up to `notes-test-timeout' seconds for PRED; fail naming WHAT."
  (let ((deadline (+ (float-time) notes-test-timeout)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      ;; ert binds `debug-on-error', which turns the `condition-case-unless-debug' guards
      ;; in eglot and flymake into failures.  A user's Emacs has it off: there, diagnostics
      ;; that arrive for a line the user has just deleted are a logged flymake warning.
      (let ((debug-on-error nil))
        (accept-process-output nil 0.05)
        (notes-test--run-idle-timers)))
    (or value
        (ert-fail (format "timed out after %ss waiting for %s; the end of eglot's events:\n%s"
                          notes-test-timeout what (notes-test--events-tail))))))

(defun notes-test--events-tail ()
  "The last lines of eglot's events buffer: what went over the wire."
  (let ((server (with-current-buffer notes-test-buffer (eglot-current-server))))
    (if (not server)
        "(no server)"
      (with-current-buffer (jsonrpc-events-buffer server)
        ;; test.sh passes the variable on even when unset, as "".
        (let ((file (getenv "NOTESLS_EVENTS_FILE")))
          (when (and file (not (string-empty-p file)))
            (write-region nil nil file)))
        (buffer-substring-no-properties (max (point-min) (- (point-max) 3000)) (point-max))))))

(defun notes-test--goto (line text &optional offset)
  "Put point on LINE at the start of TEXT in it, plus OFFSET characters."
  (goto-char (point-min))
  (forward-line (1- line))
  (unless (search-forward text (line-end-position) t)
    (ert-fail (format "line %d lacks %S" line text)))
  (goto-char (+ (match-beginning 0) (or offset 0))))

(defun notes-test--diagnostics ()
  "The flymake diagnostics of the corpus buffer, as (LINE TYPE TEXT)."
  (with-current-buffer notes-test-buffer
    (mapcar (lambda (d)
              (list (line-number-at-pos (flymake-diagnostic-beg d))
                    (flymake-diagnostic-type d)
                    (flymake-diagnostic-text d)))
            (flymake-diagnostics))))

(defun notes-test--error-p (type)
  (eq (flymake--lookup-type-property type 'severity) (warning-numeric-level :error)))

(defun notes-test--setup ()
  (let* ((dir (file-name-as-directory (expand-file-name "ws" (getenv "NOTESLS_TEST_DIR"))))
         (file (expand-file-name "system-design.notes" dir)))
    (setq notes-server-command (list (getenv "NOTESLS_CMD")))
    (setq notes-test-buffer (find-file-noselect file))
    (switch-to-buffer notes-test-buffer)  ; eldoc answers only for a buffer in a window
    (unless (eq major-mode 'notes-mode)
      (error "%s opened in %s, want notes-mode" file major-mode))
    (add-hook 'notes-mode-hook #'eglot-ensure)
    ;; What a user's init does: eglot-ensure from the mode hook, for a file opened afterwards.
    (with-current-buffer notes-test-buffer
      (run-hooks 'notes-mode-hook)
      (notes-test--run-idle-timers))
    (notes-test--wait "eglot to manage the buffer"
                      (lambda () (with-current-buffer notes-test-buffer (eglot-current-server))))))

(notes-test--setup)

(ert-deftest notes-mode-font-lock ()
  "The head, the path operator, the separator and a reference get their faces."
  (with-current-buffer notes-test-buffer
    (font-lock-ensure)
    (notes-test--goto 313 "[[jump server]]" 2)
    (should (memq 'notes-reference-face (ensure-list (get-text-property (point) 'face))))
    (notes-test--goto 198 "data store -- database")
    (should (eq (get-text-property (point) 'face) 'notes-path-face))
    (notes-test--goto 198 " -- " 1)
    (should (memq 'notes-operator-face (ensure-list (get-text-property (point) 'face))))))

(ert-deftest notes-mode-font-lock-separator-rules ()
  "The first separator ends the head; a colon ending a URL is none."
  (with-temp-buffer
    (notes-mode)
    (insert "see https://x.example/a: b\nterm = body: more\n[x] done -- item -> other\n")
    (font-lock-ensure)
    (goto-char (point-min))
    (should (equal (nth 1 (notes--line-parts)) (line-end-position)))
    (forward-line 1)
    (should (equal (buffer-substring (line-beginning-position) (nth 1 (notes--line-parts))) "term "))
    (forward-line 1)
    (let ((parts (notes--line-parts)))
      (should (equal (buffer-substring (nth 0 parts) (nth 1 parts)) "done -- item "))
      (should (equal (buffer-substring (nth 2 parts) (nth 3 parts)) "->")))))

(ert-deftest notes-eglot-diagnostics ()
  "flymake shows the corpus's 25 findings, the error on line 83 among them."
  (let ((diags (notes-test--wait "25 flymake diagnostics"
                                 (lambda () (let ((d (notes-test--diagnostics))) (and (= (length d) 25) d))))))
    (should (cl-some (lambda (d) (and (= (nth 0 d) 83) (notes-test--error-p (nth 1 d))
                                      (string-match-p "path operator" (nth 2 d))))
                     diags))
    (should (= 1 (cl-count-if (lambda (d) (notes-test--error-p (nth 1 d))) diags)))))

(ert-deftest notes-eglot-hover-plain-text ()
  "eldoc's hover on CAP in line 415 is plain text naming line 141 and its URL."
  (with-current-buffer notes-test-buffer
    (notes-test--goto 415 "of CAP " 4)
    (let (docs)
      (run-hook-wrapped 'eldoc-documentation-functions
                        (lambda (f) (funcall f (lambda (doc &rest _) (when doc (push doc docs)))) nil))
      (let ((text (notes-test--wait "the hover on CAP"
                                    (lambda () (cl-find-if (lambda (d) (string-match-p "CAP" d)) docs)))))
        (should (string-match-p "system-design.notes:141" text))
        (should (string-match-p (regexp-quote "https://www.infoq.com/articles/cap-twelve-years-later-how-the-rules-have-changed/") text))
        ;; Without markdown-mode eglot offers only plain text: no Markdown syntax may show.
        (dolist (raw '("**" "](" "<http" "\\"))
          (should-not (string-match-p (regexp-quote raw) text)))))))

(ert-deftest notes-eglot-definition ()
  "xref-find-definitions on [[jump server]] in line 313 goes to line 312."
  (with-current-buffer notes-test-buffer
    (notes-test--goto 313 "[[jump server]]" 3)
    (let ((id (xref-backend-identifier-at-point (xref-find-backend))))
      (xref-find-definitions id))
    (should (eq (current-buffer) notes-test-buffer))
    (should (= (line-number-at-pos) 312))))

(ert-deftest notes-eglot-completion ()
  "completion-at-point after \"data store -- database -- \" offers sharding."
  (with-current-buffer notes-test-buffer
    (goto-char (point-max))
    (insert "data store -- database -- ")
    (let* ((capf (run-hook-wrapped 'completion-at-point-functions
                                   (lambda (f) (let ((r (funcall f))) (and (consp r) r)))))
           (table (nth 2 capf))
           (prefix (buffer-substring (nth 0 capf) (nth 1 capf)))
           (candidates (all-completions prefix table)))
      (should (member "sharding" candidates)))
    ;; Leave the file as it was, and the server told so.
    (delete-region (line-beginning-position) (point-max))
    (notes-test--wait "eglot to send the change" (lambda () (null eglot--recent-changes)))))

(ert-deftest notes-eglot-edit-clears-error ()
  "Writing line 83's path operator as \" -- \" clears its error."
  (notes-test--wait "the diagnostics" (lambda () (= (length (notes-test--diagnostics)) 25)))
  (with-current-buffer notes-test-buffer
    (goto-char (point-min))
    (forward-line 82)
    (should (looking-at "API --gateway"))
    (replace-match "API -- gateway" t t))
  ;; The fixed line then breaks the block's order: an `unsorted' warning replaces the error.
  (notes-test--wait "line 83's error to clear"
                    (lambda () (not (cl-some (lambda (d) (and (= (nth 0 d) 83) (notes-test--error-p (nth 1 d))))
                                             (notes-test--diagnostics)))))
  (should (= 0 (cl-count-if (lambda (d) (notes-test--error-p (nth 1 d))) (notes-test--diagnostics)))))

(defun notes-test--run ()
  (let ((ert-quiet nil))
    ;; Completion and the edit change the text: they run last, in this order.
    (ert-run-tests-batch-and-exit
     '(member notes-mode-font-lock notes-mode-font-lock-separator-rules notes-eglot-diagnostics
              notes-eglot-hover-plain-text notes-eglot-definition notes-eglot-completion
              notes-eglot-edit-clears-error))))

(notes-test--run)
;;; notes-mode-test.el ends here
