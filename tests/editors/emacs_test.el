;;; emacs_test.el --- batch test of editors/emacs/faultline.el against the real server -*- lexical-binding: t -*-
;;
;; Run: FL_EMACS_DIR=editors/emacs FL_SERVER=faultline FL_FILE=repo/server/lease.go \
;;      FL_HAVE_PLAN=1 timeout 120 emacs --batch -l emacs_test.el
;; Loads faultline.el, registers the server with `faultline-eglot-setup', connects eglot to
;; FL_FILE through that registration, waits for flymake diagnostics, asks for the file's
;; coverage, makes a change-scoped plan and checks `faultline-plan-mode' on it (imenu,
;; highlighting, mark reviewed). Prints "ok/FAIL name" lines; exit 0 when all passed.
(add-to-list 'load-path (getenv "FL_EMACS_DIR"))
(require 'faultline)
(require 'flymake)
(define-derived-mode go-mode prog-mode "Go")  ; Emacs 28 ships no go-mode
(add-to-list 'auto-mode-alist '("\\.go\\'" . go-mode))
(setq eglot-sync-connect 20 eglot-connect-timeout 20 eglot-autoshutdown nil)

(defvar fl-failed nil)
(defvar fl-count 0)
(defun fl-check (name ok &optional detail)
  (setq fl-count (1+ fl-count))
  (unless ok (setq fl-failed t))
  (princ (format "%s %s%s\n" (if ok "ok  " "FAIL") name (if detail (format ": %s" detail) "")))
  ok)

(condition-case err
    (let* ((faultline-program (getenv "FL_SERVER"))
           (file (expand-file-name (getenv "FL_FILE"))))
      ;; 1. the setup registers our contact, once, however often it runs
      (faultline-eglot-setup)
      (faultline-eglot-setup)
      (fl-check "one eglot-server-programs entry"
                (= 1 (seq-count #'faultline--our-entry-p eglot-server-programs)))
      (fl-check "eglot-ensure on go-mode-hook" (memq #'eglot-ensure go-mode-hook))
      (let ((c (faultline-eglot-contact)))
        (fl-check "contact runs faultline serve" (equal (seq-take c 2) (list faultline-program "serve")) c)
        (fl-check "allowExecution off by default"
                  (eq (plist-get (plist-get (cddr c) :initializationOptions) :allowExecution) :json-false)))
      (remove-hook 'go-mode-hook #'eglot-ensure) ; batch has no post-command-hook: connect by hand
      ;; 2. connect through the registration (eglot--guess-contact reads eglot-server-programs)
      (with-current-buffer (find-file-noselect file)
        (fl-check "go-mode" (eq major-mode 'go-mode))
        (let* ((guess (eglot--guess-contact))
               (server (apply #'eglot guess)))
          (fl-check "guessed contact is ours" (equal (seq-take (nth 3 guess) 2) (list faultline-program "serve")) (nth 3 guess))
          (fl-check "eglot connected" (jsonrpc-running-p server))
          (flymake-start)
          (let ((deadline (+ (float-time) 20)))
            (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
              (accept-process-output nil 0.05)))
          (fl-check "flymake shows faultline diagnostics" (> (length (flymake-diagnostics)) 0)
                    (length (flymake-diagnostics)))
          ;; 3. coverage of this file
          (let* ((buf (faultline-coverage))
                 (text (with-current-buffer buf (buffer-string))))
            (fl-check "coverage names the file" (string-prefix-p "faultline coverage: server/lease.go" text)
                      (car (split-string text "\n")))
            (fl-check "coverage lists this file's hypotheses"
                      (string-match-p "^H[0-9]+ \\[[a-z]+\\] " text) (substring text 0 (min 300 (length text)))))
          ;; 4. plans
          (if (not (equal (getenv "FL_HAVE_PLAN") "1"))
              (princ "SKIP plans: faultline help plan fails in this build\n")
            (let ((pbuf (faultline-plan-change "main")))
              (with-current-buffer pbuf
                (fl-check "change-scoped plan opened" (string-match-p "Plan mode: change-scoped" (buffer-string))
                          buffer-file-name)
                (fl-check "faultline-plan-mode" (eq major-mode 'faultline-plan-mode))
                (font-lock-ensure)
                (goto-char (point-min))
                (fl-check "heading highlighted"
                          (eq (get-text-property (point-min) 'face) 'font-lock-function-name-face))
                (let ((index (imenu--make-index-alist t)))
                  (fl-check "imenu lists sections" (assoc "Sections" index))
                  (fl-check "imenu lists scenarios" (assoc "Scenarios" index)))
                (goto-char (point-min))
                (faultline-plan-next-scenario)
                (fl-check "next scenario" (looking-at "### Scenario S[0-9]+"))
                (faultline-plan-mark-reviewed)
                (fl-check "Markdown marked reviewed"
                          (save-excursion (goto-char (point-min)) (re-search-forward "^Status: reviewed" nil t)))
                (let ((json (concat (file-name-sans-extension buffer-file-name) ".json")))
                  (fl-check "JSON marked reviewed"
                            (with-temp-buffer (insert-file-contents json)
                                              (re-search-forward "\"status\": *\"reviewed\"" nil t)))))))
          (ignore-errors (eglot-shutdown server)))))
  (error (fl-check "no Lisp error" nil (format "%S" err))))
(princ (format "%d checks, %s\n" fl-count (if fl-failed "some FAILED" "all passed")))
(kill-emacs (if fl-failed 1 0))
