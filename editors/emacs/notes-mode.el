;;; notes-mode.el --- Major mode for notes files, with the notesls language server  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, outlines
;; URL: https://github.com/notesls/notesls

;;; Commentary:

;; Notes files (*.notes) are personal glossaries, one entry a line:
;;
;;   data store -- database -- sharding = splitting data by key https://...
;;
;; This mode colours a line's structure with the same decisions as the project's Vim and
;; TextMate grammars (docs/format.md is the specification), and registers the notesls
;; server with eglot, which brings diagnostics (flymake), hover (eldoc), go-to-definition
;; (xref) and completion (completion-at-point).  The server is the source of truth for
;; meaning; this file only finds where a line's head ends.
;;
;;   (add-to-list 'load-path "~/src/notesls/editors/emacs")
;;   (require 'notes-mode)
;;   (add-hook 'notes-mode-hook #'eglot-ensure)

;;; Code:

(defgroup notes nil
  "Notes files and the notesls language server."
  :group 'languages
  :prefix "notes-")

(defcustom notes-server-command '("notesls")
  "Command that starts the notesls language server, as a list: program and arguments."
  :type '(repeat string))

(defface notes-path-face '((t :inherit font-lock-function-name-face))
  "The head of an entry: its path of topics.")
(defface notes-operator-face '((t :inherit font-lock-keyword-face))
  "The path operator ` -- ' and the separators.")
(defface notes-alias-face '((t :inherit font-lock-type-face))
  "An alias or qualifier in parentheses.")
(defface notes-gloss-face '((t :inherit font-lock-string-face))
  "A quoted gloss in the head.")
(defface notes-ordinal-face '((t :inherit font-lock-constant-face))
  "The numbering of a segment: `1 ', `01b ', `2. '.")
(defface notes-reference-face '((t :inherit font-lock-variable-name-face))
  "A [[reference]].")
(defface notes-url-face '((t :inherit link))
  "A URL.")
(defface notes-important-face '((t :inherit font-lock-warning-face))
  "The +++ marker.")
(defface notes-task-face '((t :inherit font-lock-builtin-face))
  "A task box: [ ] or [x].")

(defconst notes--task-regexp "\\[[ xX]\\] "
  "A task box at the start of a line.")

(defconst notes--separator-regexp
  "\\( ==?\\(?: \\|$\\)\\| ->\\(?: \\|$\\)\\| ~\\(?: \\|$\\)\\|:\\(?: \\|$\\)\\)"
  "Candidates for the separator that ends a head; the first real one wins.")

(defun notes--line-parts ()
  "Return (HEAD-START HEAD-END SEP-START SEP-END) for the line at point.
SEP-START and SEP-END are nil when the line has no separator."
  (save-excursion
    (let* ((bol (line-beginning-position))
           (eol (line-end-position))
           (start (progn (goto-char bol)
                         (if (looking-at notes--task-regexp) (match-end 0) bol)))
           found)
      (goto-char start)
      ;; A separator opening the entry (the missing-term error) needs no space before it.
      (if (looking-at "\\(==?\\|:\\)\\(?: \\|$\\)")
          (setq found (cons (match-beginning 1) (match-end 1)))
        (while (and (not found) (re-search-forward notes--separator-regexp eol t))
          (let* ((sep-start (match-beginning 1))
                 (sep-end (if (eq (char-before (match-end 1)) ?\s) (1- (match-end 1)) (match-end 1))))
            (if (eq (char-after sep-start) ?:)
                (unless (or (= sep-start start)
                            (memq (char-before sep-start) '(?\s ?\t))
                            (notes--in-url-p sep-start bol))
                  (setq found (cons sep-start sep-end)))
              ;; " =", " ->", " ~": the separator is what follows the space.
              (setq found (cons (1+ sep-start) sep-end))))
          ;; Allow a later candidate to start right after this one.
          (unless found (goto-char (1+ (match-beginning 1))))))
      (list start (if found (car found) eol) (car found) (cdr found)))))

(defun notes--in-url-p (pos bol)
  "Whether POS is inside a URL: the word around it starts with http:// or https://."
  (save-excursion
    (goto-char pos)
    (skip-chars-backward "^ \t" bol)
    (looking-at-p "https?://")))

(defun notes--match-structure (limit)
  "Font-lock matcher: the next line's head (group 1) and separator (group 2)."
  (when (< (point) limit)
    (let ((parts (notes--line-parts)))
      (set-match-data (list (nth 0 parts) (line-end-position)
                            (nth 0 parts) (nth 1 parts)
                            (or (nth 2 parts) (nth 1 parts)) (or (nth 3 parts) (nth 1 parts))))
      (forward-line 1)
      t)))

(defvar-local notes--head-end-cache nil
  "(TICK LINE-START . HEAD-END) of the line last asked about.")

(defun notes--head-end (pos)
  "Where the head of the line holding POS ends.
Remembered for the line, so that the matches of one long line cost one scan, not one each."
  (save-excursion
    (goto-char pos)
    (let ((bol (line-beginning-position))
          (cache notes--head-end-cache))
      (if (and cache (eq (car cache) (buffer-chars-modified-tick)) (eq (cadr cache) bol))
          (cddr cache)
        (let ((end (save-match-data (nth 1 (notes--line-parts)))))
          (setq notes--head-end-cache (cons (buffer-chars-modified-tick) (cons bol end)))
          end)))))

(defun notes--in-head-matcher (regexp)
  "A font-lock matcher for REGEXP that only matches inside a line's head."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (when (< (match-beginning 0) (notes--head-end (match-beginning 0)))
          (setq found t)))
      found)))

(defconst notes-font-lock-keywords
  `((,(concat "^" notes--task-regexp) 0 'notes-task-face)
    (notes--match-structure (1 'notes-path-face) (2 'notes-operator-face))
    (,(notes--in-head-matcher " -- ") 0 'notes-operator-face t)
    (,(notes--in-head-matcher "([^()\n]*)") 0 'notes-alias-face t)
    (,(notes--in-head-matcher "\"[^\"\n]*\"\\|“[^”\n]*”") 0 'notes-gloss-face t)
    (,(notes--in-head-matcher "\\(?:^\\(?:\\[[ xX]\\] \\)?\\| -- \\)\\([0-9]+[a-z]?\\.?\\) ")
     1 'notes-ordinal-face t)
    ("\\[\\[[^]\n]*\\]\\]" 0 'notes-reference-face t)
    ("https?://[^ \t\n]+" 0 'notes-url-face t)
    ("\\+\\+\\+" 0 'notes-important-face t))
  "What notes-mode colours; the later keywords win over the head's colour.")

;;;###autoload
(define-derived-mode notes-mode text-mode "Notes"
  "Major mode for notes files: one glossary entry a line.
With eglot, `eglot-ensure' in `notes-mode-hook' starts the notesls server."
  (setq-local font-lock-defaults '(notes-font-lock-keywords t))
  (setq-local font-lock-multiline nil)
  ;; A notes file is prose: long lines wrap, never break.
  (setq-local truncate-lines nil)
  (visual-line-mode 1))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.notes\\'" . notes-mode))

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  (add-to-list 'eglot-server-programs
               `(notes-mode . ,(lambda (&optional _interactive) notes-server-command))))

(provide 'notes-mode)
;;; notes-mode.el ends here
