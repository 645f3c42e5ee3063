-- plugin/faultline.lua — loads faultline.nvim when Neovim starts: runs
-- require('faultline').setup() with the options in vim.g.faultline (a table, optional), so
-- installing the plugin is enough. Set vim.g.faultline_no_setup = 1 to call setup{} yourself.
if vim.g.loaded_faultline then return end
vim.g.loaded_faultline = 1
if vim.g.faultline_no_setup then return end
require('faultline').setup(vim.g.faultline or {})
