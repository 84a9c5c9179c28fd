" ftdetect/snn.vim: files ending in .snn are models of the snn language.
autocmd BufRead,BufNewFile *.snn set filetype=snn
