;;; test.el --- batch Emacs end-to-end test of `blazes serve' through eglot  -*- lexical-binding: t -*-

;; Emacs 28 (with Debian's elpa-eglot) or later opens the unsealed word
;; count, sees BLZ001 through Flymake, gets the hover with the derivation
;; through eldoc, applies the seal quick fix through eglot's code actions,
;; sees the finding gone, and runs "Explain this label".
;;
;; Environment: BLAZES_WORKDIR (a scratch directory holding wc.blazes),
;; BLAZES_EMACS_CONFIG (the configuration of docs/editors.md, loaded as a
;; user's init file would be), BLAZES_HOVER ("markdown": markdown-mode is
;; there, as after a normal start with elpa-markdown-mode installed;
;; "plaintext": it is not).
;;
;; In an interactive session eglot sends didChange and Flymake starts its
;; checks from idle timers; a batch session is never idle, so
;; `blazes-test-settle' does what those timers do.

(require 'cl-lib)
(require 'subr-x)

(defvar blazes-test-dir (getenv "BLAZES_WORKDIR"))
(defvar blazes-test-hover (or (getenv "BLAZES_HOVER") "markdown"))

(defun blazes-test-log (fmt &rest args)
  (princ (concat "[emacs-test] " (apply #'format fmt args) "\n")
         #'external-debugging-output))

(defun blazes-test-dump ()
  (dolist (b (buffer-list))
    (when (string-match-p "EGLOT" (buffer-name b))
      (with-current-buffer b
        (blazes-test-log "---- %s (end) ----\n%s" (buffer-name b)
                         (buffer-substring-no-properties
                          (max (point-min) (- (point-max) 6000)) (point-max)))))))

(defun blazes-test-fail (fmt &rest args)
  (blazes-test-log "FAIL: %s" (apply #'format fmt args))
  (blazes-test-dump)
  (kill-emacs 1))

(defun blazes-test-wait (secs what pred)
  "Wait up to SECS seconds, reading the server's output, until PRED holds."
  (let ((deadline (+ (float-time) secs)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or v (blazes-test-fail "%s: nothing within %ss" what secs))))

(defun blazes-test-settle ()
  "What eglot's and Flymake's idle timers do after an edit."
  (eglot--signal-textDocument/didChange)
  (flymake-start))

(defun blazes-test-blz001 ()
  (cl-find-if (lambda (d) (string-match-p "\\[BLZ001\\]" (flymake-diagnostic-text d)))
              (flymake-diagnostics)))

(condition-case err
    (progn
      (when (equal blazes-test-hover "markdown")
        ;; A normal start activates the installed packages (eglot on
        ;; Emacs 28, markdown-mode); a batch session does not.
        (package-activate-all)
        (unless (fboundp 'gfm-view-mode)
          (blazes-test-fail "markdown-mode is not installed (elpa-markdown-mode)")))
      (require 'eglot)
      (when (and (equal blazes-test-hover "plaintext") (fboundp 'gfm-view-mode))
        (blazes-test-fail "markdown-mode is loaded in the plain-text run"))
      (load (getenv "BLAZES_EMACS_CONFIG") nil t)
      (blazes-test-log "Emacs %s, %s, %s hovers" emacs-version
                       (locate-library "eglot") blazes-test-hover)

      ;; Opening the file runs blazes-mode-hook: `eglot-ensure' connects
      ;; after the command (post-command-hook).
      (find-file (expand-file-name "wc.blazes" blazes-test-dir))
      (unless (eq major-mode 'blazes-mode)
        (blazes-test-fail "wc.blazes opened in %s" major-mode))
      (run-hooks 'post-command-hook)
      (blazes-test-wait 20 "eglot connected" (lambda () (bound-and-true-p eglot--managed-mode)))
      (let ((server (eglot-current-server)))
        (blazes-test-log "connected: %s" (eglot--server-info server))

        ;; The finding, through Flymake.
        (flymake-start)
        (let* ((d (blazes-test-wait 20 "BLZ001 in Flymake" #'blazes-test-blz001))
               (beg (flymake-diagnostic-beg d))
               (end (flymake-diagnostic-end d)))
          (blazes-test-log "Flymake at line %d: %s" (line-number-at-pos beg)
                           (flymake-diagnostic-text d))

          ;; The hover with the derivation, through eldoc.
          (goto-char (1+ beg))
          (let (info)
            (eglot-hover-eldoc-function (lambda (s &rest _) (setq info (or s ""))))
            (blazes-test-wait 20 "hover" (lambda () info))
            (blazes-test-log "hover:\n%s" info)
            (dolist (want '("path" "Taint" "Derivation" "Run"))
              (unless (string-match-p (regexp-quote want) info)
                (blazes-test-fail "hover lacks %S" want)))
            (when (equal blazes-test-hover "plaintext")
              (when (string-match-p "\\*\\*\\|`" info)
                (blazes-test-fail "plain-text hover shows markdown syntax"))))

          ;; The preferred seal fix, through eglot's code actions.
          (let* ((actions (eglot-code-actions beg end "quickfix"))
                 (fix (cl-find-if (lambda (a) (and (eq (plist-get a :isPreferred) t)
                                                   (string-match-p "seal" (downcase (plist-get a :title)))))
                                  actions)))
            (unless fix (blazes-test-fail "no preferred seal fix among %S" actions))
            (blazes-test-log "applying: %s" (plist-get fix :title))
            (eglot--read-execute-code-action (list fix) server "quickfix")
            (unless (save-excursion (goto-char (point-min)) (search-forward "seal(batch)" nil t))
              (blazes-test-fail "the fix did not seal the source:\n%s" (buffer-string)))
            (blazes-test-settle)
            (blazes-test-wait 20 "BLZ001 cleared" (lambda () (not (blazes-test-blz001))))
            (blazes-test-log "BLZ001 cleared after the fix"))

          ;; "Explain this label" (a code action with the blazes.explain
          ;; command): eglot drops a command's result, so the server shows
          ;; it: as a message (eglot 1.9), or in a generated document for
          ;; an eglot with window/showDocument.
          (goto-char (point-min))
          (search-forward "component Count")
          (let* ((shown nil)
                 (spy (lambda (_server _method &rest params)
                        (setq shown (plist-get params :message)))))
            (advice-add 'eglot-handle-notification :before
                        (lambda (server method &rest params)
                          (when (eq method 'window/showMessage)
                            (apply spy server method params)))
                        '((name . blazes-test-spy)))
            (let* ((actions (eglot-code-actions (point) (point)))
                   (explain (cl-find-if (lambda (a) (string-prefix-p "Explain" (plist-get a :title))) actions)))
              (unless explain (blazes-test-fail "no Explain action among %S" actions))
              ;; The user picks it from eglot's menu.
              (cl-letf ((last-nonmenu-event ?\r) ; a key, not a mouse click
                        ((symbol-function 'completing-read)
                         (lambda (_prompt _items &rest _) (plist-get explain :title))))
                (eglot--read-execute-code-action (list explain) server nil)))
            (blazes-test-wait 20 "the explanation shown"
                              (lambda ()
                                (or shown
                                    (when-let ((b (cl-find-if
                                                   (lambda (b)
                                                     (string-match-p "/blazes-explain-[^/]*/[^/]*\\.md\\'"
                                                                     (or (buffer-file-name b) "")))
                                                   (buffer-list))))
                                      (setq shown (with-current-buffer b (buffer-string)))))))
            (blazes-test-log "explanation shown:\n%s" shown)
            (unless (string-match-p "component Count" shown)
              (blazes-test-fail "explanation %S" shown))))

        (eglot-shutdown server)
        (blazes-test-log "PASS")
        (kill-emacs 0)))
  (error (blazes-test-fail "%S" err)))
