;;; faultline.el --- eglot setup for faultline and a mode for its test plans -*- lexical-binding: t -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: tools, languages

;;; Commentary:

;; What this file is for: it connects Emacs to `faultline serve' (the language server that
;; reports where a distributed system can break) through eglot, and gives faultline's test
;; plans (docs/testing-plans/*.md) a major mode.
;;
;; Data in: the user's options below, the buffers eglot manages, the server's answers
;; (diagnostics reach flymake, hovers reach eldoc through eglot itself; faultline/plan and
;; faultline/coverage answers come back to the commands here), and the `faultline plan'
;; command line when a server cannot plan.  Data out: an `eglot-server-programs' entry,
;; `eglot-ensure' on the modes' hooks, the *faultline coverage* buffer, plan files opened in
;; `faultline-plan-mode', and the Status line of a plan switched to "reviewed".
;;
;; Setup (init.el):
;;   (add-to-list 'load-path "/path/to/faultline/editors/emacs")
;;   (require 'faultline)
;;   (faultline-eglot-setup)

;;; Code:

(require 'eglot)
(require 'jsonrpc)
(require 'imenu)
(require 'subr-x)

(defgroup faultline nil
  "Distributed-systems risk sites, test plans and coverage from faultline."
  :group 'tools
  :prefix "faultline-")

(defcustom faultline-program "faultline"
  "The faultline binary: a name on `exec-path' or an absolute file name."
  :type 'string)

(defcustom faultline-allow-execution nil
  "Non-nil lets the server run plans (faultline/run).
Off by default: opening a folder never runs its commands."
  :type 'boolean)

(defcustom faultline-major-modes
  '(go-mode go-ts-mode c-mode c-ts-mode c++-mode c++-ts-mode java-mode java-ts-mode
    python-mode python-ts-mode rust-mode rust-ts-mode js-mode js-ts-mode
    typescript-mode typescript-ts-mode tsx-ts-mode)
  "Major modes whose buffers faultline analyses."
  :type '(repeat symbol))

(defcustom faultline-base "main"
  "Default base branch for `faultline-plan-change'."
  :type 'string)

(defun faultline-eglot-contact (&optional _interactive)
  "The eglot contact for `faultline serve', with its initializationOptions."
  (list faultline-program "serve"
        :initializationOptions
        (list :allowExecution (if faultline-allow-execution t :json-false))))

(defun faultline--our-entry-p (entry)
  "Non-nil when ENTRY of `eglot-server-programs' is the one this file adds."
  (eq (cdr-safe entry) #'faultline-eglot-contact))

;;;###autoload
(defun faultline-eglot-setup (&optional no-ensure)
  "Register `faultline serve' with eglot for `faultline-major-modes'.
Replaces an entry added before.  Unless NO-ENSURE, also starts eglot in those
modes' buffers (`eglot-ensure' on their hooks)."
  (interactive)
  (setq eglot-server-programs
        (cons (cons faultline-major-modes #'faultline-eglot-contact)
              (seq-remove #'faultline--our-entry-p eglot-server-programs)))
  (unless no-ensure
    (dolist (m faultline-major-modes)
      (add-hook (intern (format "%s-hook" m)) #'eglot-ensure)))
  t)

(defun faultline--server ()
  "The eglot server of this buffer, or an error that says what to do."
  (or (eglot-current-server)
      (user-error "No faultline server here: open a source file with eglot running (M-x eglot)")))

(defun faultline--root ()
  "The project root of the current buffer."
  (let ((server (eglot-current-server)))
    (expand-file-name
     (or (and server (project-root (eglot--project server)))
         (and (fboundp 'project-current) (project-current)
              (project-root (project-current)))
         default-directory))))

(defun faultline--request (method params)
  "Send METHOD with PARAMS to this buffer's server; the result, or signal."
  (jsonrpc-request (faultline--server) method params :timeout 120))

(defun faultline--plan-cli (root base)
  "Run `faultline plan --repo ROOT [--base BASE]'; the Markdown file it wrote."
  (with-temp-buffer
    (let* ((args (append (list "plan" "--repo" root) (and base (list "--base" base))))
           (status (let ((default-directory (file-name-as-directory root)))
                     (apply #'process-file faultline-program nil t nil args)))
           (md nil))
      (goto-char (point-min))
      (while (re-search-forward "^wrote \\(.+\\.md\\)$" nil t)
        (setq md (match-string 1)))
      (unless (and (eq status 0) md)
        (error "faultline plan failed (%s): %s" status (string-trim (buffer-string))))
      md)))

(defun faultline--plan-file (root result)
  "The Markdown plan file named by a faultline/plan RESULT (a plist), or nil.
With params.write the server answers
{slug, early_exit, plan, markdown, written}."
  (or (seq-some (lambda (p) (and (stringp p) (string-suffix-p ".md" p) (file-exists-p p) p))
                (plist-get result :written))
      (seq-some (lambda (k)
                  (let ((p (plist-get result k)))
                    (and (stringp p) (string-suffix-p ".md" p)
                         (let ((f (expand-file-name p root))) (and (file-exists-p f) f)))))
                '(:markdown_path :md_path :md :path))
      (let ((slug (plist-get result :slug)))
        (and (stringp slug)
             (let ((f (expand-file-name (format "docs/testing-plans/%s.md" slug) root)))
               (and (file-exists-p f) f))))))

(defun faultline--plan (base)
  "Make a plan (change-scoped against BASE when non-nil) and open it.
Uses the server's faultline/plan, or the command line when the server cannot
plan (it answers -32601 or -32803).  Returns the plan's buffer."
  (let* ((root (faultline--root))
         (params (if base (list :scope "change" :base base :write t) (list :scope "project" :write t)))
         (file
          (condition-case err
              (let ((r (faultline--request :faultline/plan params)))
                (or (faultline--plan-file root r)
                    (error "faultline/plan answered without a plan file: %S" r)))
            (jsonrpc-error
             (let ((code (alist-get 'jsonrpc-error-code (cdr err))))
               (if (memq code '(-32601 -32803))
                   (faultline--plan-cli root base)
                 (signal (car err) (cdr err)))))
            (user-error (faultline--plan-cli root base)))))
    (find-file file)))

;;;###autoload
(defun faultline-plan ()
  "Open the project's newest test plan.
Makes a project-wide plan when there is none."
  (interactive)
  (let* ((root (faultline--root))
         (plans (ignore-errors
                  (directory-files (expand-file-name "docs/testing-plans" root) t "\\.md\\'")))
         ;; the newest plan: the one most likely under review
         (existing (car (sort plans (lambda (a b)
                                      (time-less-p (file-attribute-modification-time (file-attributes b))
                                                   (file-attribute-modification-time (file-attributes a))))))))
    (if existing (find-file existing) (faultline--plan nil))))

;;;###autoload
(defun faultline-plan-change (base)
  "Plan tests for the changes against BASE (a branch or commit) and open the plan."
  (interactive (list (read-string (format "Base (default %s): " faultline-base) nil nil faultline-base)))
  (faultline--plan (if (string-empty-p base) faultline-base base)))

(defun faultline--rel (root file)
  "FILE relative to ROOT."
  (file-relative-name (expand-file-name file) root))

;;;###autoload
(defun faultline-coverage ()
  "Show the coverage of the current file.
Lists its hypotheses with their status, scenario and latest verdict."
  (interactive)
  (let* ((root (faultline--root))
         (rel (faultline--rel root (or buffer-file-name default-directory)))
         (cov (faultline--request :faultline/coverage (make-hash-table)))
         (sum (plist-get cov :summary))
         (buf (get-buffer-create "*faultline coverage*"))
         (n 0))
    (with-current-buffer buf
      (let ((inhibit-read-only t))
        (erase-buffer)
        (insert (format "faultline coverage: %s\n" rel))
        (insert (format "workspace: %s uncovered, %s planned, %s pass, %s fail\n\n"
                        (plist-get sum :uncovered) (plist-get sum :planned)
                        (plist-get sum :pass) (plist-get sum :fail)))
        (seq-doseq (h (plist-get cov :hypotheses))
          (let ((here (seq-filter (lambda (s) (equal (plist-get s :path) rel))
                                  (plist-get h :sites))))
            (when (> (length here) 0)
              (setq n (1+ n))
              (insert (format "%s [%s] %s\n" (plist-get h :id) (plist-get h :status)
                              (plist-get h :title)))
              (insert (format "    scenario %s, latest verdict %s\n"
                              (let ((s (plist-get h :scenario))) (if (member s '(nil "")) "-" s))
                              (let ((v (plist-get h :verdict))) (if (member v '(nil "")) "-" v))))
              (seq-doseq (s here)
                (insert (format "    %s:%s: %s in %s\n" rel (plist-get s :line)
                                (plist-get s :rule) (plist-get s :function)))))))
        (when (= n 0) (insert "no planned hypothesis has a site in this file\n"))
        (goto-char (point-min))
        (setq default-directory (file-name-as-directory root))
        (compilation-minor-mode 1)
        (setq buffer-read-only t)))
    (display-buffer buf)
    buf))

;;; Plan files

(defconst faultline-plan-verdict-regexp
  (regexp-opt '("PASS-smoke" "PASS-hardening" "FAIL-reproducible" "FAIL-nondeterministic"
                "INCONCLUSIVE-env" "INCONCLUSIVE-oracle-too-weak" "INCONCLUSIVE-fault-not-proven"
                "PARTIAL-surface" "PARTIAL-model" "NOT-RUN")
              'words)
  "The ten verdicts.")

(defconst faultline-plan-labels
  '("Falsifies if it FAILs:" "Closes:" "Technique:" "Workload:" "Faults:" "Oracle:"
    "Observability required:" "Smoke budget:" "Hardening budget:" "Release budget:"
    "Target test file:" "Skeleton language:" "Skeleton:" "Model under test:"
    "Operation history:" "Checker:" "Nemesis + landing evidence:" "Ambiguous outcomes:"
    "Reduction plan:" "Could falsify:" "Suspected because:" "Subsystem:"
    "Date:" "Plan mode:" "SUT:" "Change under test:" "Plan author:" "Status:")
  "Field labels of a plan.")

(defvar faultline-plan-font-lock-keywords
  `(("^#+ .*$" . font-lock-function-name-face)
    (,faultline-plan-verdict-regexp . font-lock-warning-face)
    (,(regexp-opt faultline-plan-labels) . font-lock-keyword-face)
    ("\\<[CMHS][0-9]+\\(?:/[a-z0-9_-]+\\)?\\>" . font-lock-constant-face)
    ("^Status: \\(draft\\)" 1 font-lock-warning-face)
    ("^Status: \\(reviewed\\|executed\\)" 1 font-lock-string-face)
    ("`[^`\n]+`" . font-lock-string-face))
  "Highlighting for `faultline-plan-mode'.")

(defvar faultline-plan-imenu-generic-expression
  '(("Scenarios" "^### Scenario \\(S[0-9]+\\(?:/[^:]*\\)?: .*\\)$" 1)
    ("Hypotheses" "^\\(?:- \\)?\\(H[0-9]+\\)\\. " 1)
    ("Sections" "^## \\(.*\\)$" 1))
  "Index of a plan: sections, hypotheses, scenarios.")

(defun faultline-plan-next-scenario (&optional n)
  "Move to the next (N-th) scenario heading."
  (interactive "p")
  (end-of-line)
  (if (re-search-forward "^### Scenario " nil t (or n 1))
      (beginning-of-line)
    (user-error "No more scenarios")))

(defun faultline-plan-previous-scenario (&optional n)
  "Move to the previous (N-th) scenario heading."
  (interactive "p")
  (beginning-of-line)
  (unless (re-search-backward "^### Scenario " nil t (or n 1))
    (user-error "No previous scenario")))

(defun faultline-plan-mark-reviewed ()
  "Set the plan's Status to reviewed, in this Markdown file and in its JSON twin.
Do this only after a human approved the claims, environment and residual risk."
  (interactive)
  (save-excursion
    (goto-char (point-min))
    (unless (re-search-forward "^Status: draft" nil t)
      (user-error "This plan is not a draft"))
    (replace-match "Status: reviewed"))
  (save-buffer)
  (let ((json (concat (file-name-sans-extension buffer-file-name) ".json")))
    (when (file-exists-p json)
      (with-temp-buffer
        (insert-file-contents json)
        (goto-char (point-min))
        (when (re-search-forward "\"status\": *\"draft\"" nil t)
          (replace-match "\"status\": \"reviewed\"" t t)
          (write-region nil nil json nil 'silent))))))

(defvar faultline-plan-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-n") #'faultline-plan-next-scenario)
    (define-key map (kbd "C-c C-p") #'faultline-plan-previous-scenario)
    (define-key map (kbd "C-c C-r") #'faultline-plan-mark-reviewed)
    map)
  "Keys of `faultline-plan-mode'.")

;;;###autoload
(define-derived-mode faultline-plan-mode text-mode "faultline-plan"
  "Major mode for faultline test plans (docs/testing-plans/*.md).
\\{faultline-plan-mode-map}"
  (setq-local font-lock-defaults '(faultline-plan-font-lock-keywords t))
  (setq-local imenu-generic-expression faultline-plan-imenu-generic-expression)
  (setq-local outline-regexp "#+ ")
  (setq-local comment-start "<!-- ")
  (setq-local comment-end " -->")
  (setq-local truncate-lines nil))

;;;###autoload
(add-to-list 'auto-mode-alist '("/docs/testing-plans/[^/]*\\.md\\'" . faultline-plan-mode))

(provide 'faultline)
;;; faultline.el ends here
