" check_vim.vim: run by check_vim.py in `vim -Nu NONE -es`.  Loads the snn
" Vim files from $SNN_VIM_RTP, opens each file of $SNN_VIM_QUERIES
" ("F<tab>path" lines) and reports the syntax group at each of its
" "Q<tab>line<tab>col" positions, with what loading left (filetype, syntax,
" comment settings, errors), in $SNN_VIM_OUT.
let &runtimepath = $SNN_VIM_RTP . ',' . $VIMRUNTIME
let v:errmsg = ''
let s:out = []
try
  filetype plugin on
  syntax on
  for s:q in readfile($SNN_VIM_QUERIES)
    let s:f = split(s:q, "\t", 1)
    if s:f[0] ==# 'F'
      execute 'edit ' . fnameescape(s:f[1])
      call add(s:out, join(['F', s:f[1], &filetype, get(b:, 'current_syntax', ''),
            \ &commentstring, &comments, get(b:, 'undo_ftplugin', '')], "\t"))
    else
      let s:id = synID(str2nr(s:f[1]), str2nr(s:f[2]), 1)
      call add(s:out, join(['Q', s:f[1], s:f[2], synIDattr(s:id, 'name'),
            \ synIDattr(synIDtrans(s:id), 'name')], "\t"))
    endif
  endfor
catch
  call add(s:out, "X\t" . v:exception . ' at ' . v:throwpoint)
endtry
call add(s:out, "E\t" . v:errmsg)
for s:m in split(execute('messages'), "\n")
  call add(s:out, "M\t" . s:m)
endfor
call writefile(s:out, $SNN_VIM_OUT)
qall!
