" syntax/snn.vim: syntax highlighting for the snn model language (.snn).
"
" The reserved words are those of grammar/snn.l, the functions those of
" compiler/check/builtins.c and the unit names those that
" runtime/numeric/units.c accepts (a symbol or long name, optionally with
" an SI prefix); tests/editors/check_vim.py checks all three against those
" files.  A unit is highlighted where the language reads one: after a
" number ("20 ms", "2 m"), in a unit annotation ("state v : mV",
" "input J : uA / cm^2"), after '*' or '/' following a unit, and, when
" its name has more than one letter, after '*' or '/' ("w * nS",
" "v / mV").  Elsewhere a name such as 'm' or 'g' is a variable.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syntax case match
syntax iskeyword @,48-57,_

" Reserved words (grammar/snn.l), by role.  Those that name what they
" declare lead on to the name: models are types, the rest plain names.
syntax keyword snnDeclaration import extern connect monitor encode decode
syntax keyword snnDeclaration train agents run precision timestep seed reward
syntax keyword snnDeclaration neuron synapse nextgroup=snnModelName skipwhite
syntax keyword snnDeclaration param const population input modulator
      \ environment nextgroup=snnDeclName skipwhite
syntax keyword snnDeclaration fn nextgroup=snnFunctionName skipwhite
syntax keyword snnMember spike reset refractory method on_pre on_post every
syntax keyword snnMember state trace nextgroup=snnDeclName skipwhite
syntax keyword snnKeyword from as when unless where in within after until
syntax keyword snnKeyword episodes
syntax keyword snnKeyword via nextgroup=snnModelName skipwhite
syntax keyword snnBoolean true false
syntax keyword snnWordOperator and or not
syntax match snnKeyword "\<\%(event\|clock\)-driven\>"

syntax match snnModelName contained "\h\w*"
syntax match snnFunctionName contained "\h\w*"
syntax match snnDeclName contained "\h\w*" nextgroup=snnAnnotationColon skipwhite
syntax match snnAnnotationColon contained ":" nextgroup=snnUnit,snnUnitOne skipwhite
" The model of a population: population E = LIF[100].
syntax match snnModelName "\%(\<population\s\+\h\w*\s*=\s*\)\@<=\h\w*"

" Built-in names (section 6.3 of docs/language.md) and extern types.
syntax keyword snnBuiltinName t dt i j N pre post
syntax keyword snnConstant pi e
syntax match snnType "\%(\%(:\|->\)\s*\)\@<=\<[fi]\%(32\|64\)\>"

" A field, as in E.v or cart.reward: never a keyword.
syntax match snnField "\.\h\w*"

" Built-in functions (compiler/check/builtins.c), where they are called.
syntax match snnFunction "\<\%(exp\|log\|log10\|sin\|cos\|tan\|sinh\|cosh\|tanh\|asin\|acos\|atan\|exprel\|sqrt\|abs\|floor\|ceil\|round\|sign\|min\|max\|clip\|ifelse\|heaviside\|rand\|randn\|uniform\|normal\|mean\|sum\|std\|count\|rate\)\ze\s*("
" Inputs, monitors, reward conditions, environments, encoders, decoders
" and learning rules, where they are called or sized.
syntax match snnBuiltinKind "\<\%(poisson\|poisson_input\|spike_times\|current\|spikes\|weights\|synapses\|modulators\|rewards\|spiked\|cartpole\|mountain_car\|acrobot\|population_rate\|poisson_rate\|spike_count\|first_spike\|membrane\|mean_return\|q_learning\)\ze\s*[[(]"

" A derivative at the start of an equation: dv/dt = ...
syntax match snnDerivative "\%(^\|[;{]\)\s*\zsd\h\w*\s*/\s*dt\>"

" Operators.
syntax match snnOperator "->\|\*\*\|&&\|||\|[-+*/%<>=!]=\=\|\^"

" Numbers, and the unit after them.  The unit names: a symbol with a short
" prefix, or a long name with a long or short prefix; centi for lengths
" only; kelvin, candela and dimensionless without prefixes.
let s:unit = '\%(\%([pnumkM]\=\%(V\|A\|S\|F\|ohm\|s\|Hz\|m\|g\|C\|W\|J\|mol\|M\)\|cm\|K\|cd\)'
      \ . '\|\%(pico\|nano\|micro\|milli\|kilo\|mega\|[pnumkM]\)\=\%(volt\|amp\|ampere\|siemens\|farad\|ohm\|second\|hertz\|metre\|meter\|gram\|coulomb\|watt\|joule\|mole\|molar\)'
      \ . '\|\%(centi\|c\)\%(metre\|meter\)\|kelvin\|candela\|dimensionless\)'
syntax match snnNumber "\<\d\+\%(\.\d*\)\=\%([eE][+-]\=\d\+\)\=" nextgroup=snnUnit skipwhite
syntax match snnNumber "\%(\w\)\@<!\.\d\+\%([eE][+-]\=\d\+\)\=" nextgroup=snnUnit skipwhite
execute 'syntax match snnUnit contained "\<' . s:unit . '\>" nextgroup=snnUnitPower,snnUnitOperator skipwhite'
execute 'syntax match snnUnit "\%([*/]\s*\)\@<=\<\%(\h\>\)\@!' . s:unit . '\>" nextgroup=snnUnitPower,snnUnitOperator skipwhite'
execute 'syntax match snnUnitOperator contained "[*/]\ze\s*\%(\<' . s:unit . '\>\|\<1\>\)" nextgroup=snnUnit,snnUnitOne skipwhite'
syntax match snnUnitPower contained "\^\s*[-+]\=\d\+" nextgroup=snnUnitOperator skipwhite
syntax match snnUnitOne contained "\<1\>" nextgroup=snnUnit,snnUnitOperator skipwhite

" Strings (on one line, with the escapes \n \t \\ \") and comments.
syntax region snnString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=snnEscape,snnEscapeError,@Spell
syntax match snnEscapeError contained "\\."
syntax match snnEscape contained "\\[nt\\"]"
syntax keyword snnTodo contained TODO FIXME XXX NOTE
syntax match snnComment "#.*$" contains=snnTodo,@Spell

highlight default link snnDeclaration Statement
highlight default link snnMember Statement
highlight default link snnKeyword Keyword
highlight default link snnBoolean Boolean
highlight default link snnWordOperator Keyword
highlight default link snnModelName Type
highlight default link snnFunctionName Function
highlight default link snnDeclName Identifier
highlight default link snnField Identifier
highlight default link snnAnnotationColon snnOperator
highlight default link snnBuiltinName Special
highlight default link snnConstant Constant
highlight default link snnType Type
highlight default link snnFunction Function
highlight default link snnBuiltinKind Function
highlight default link snnDerivative Special
highlight default link snnOperator Operator
highlight default link snnNumber Number
highlight default link snnUnit Type
highlight default link snnUnitOperator snnOperator
highlight default link snnUnitPower snnNumber
highlight default link snnUnitOne snnNumber
highlight default link snnString String
highlight default link snnEscape SpecialChar
highlight default link snnEscapeError Error
highlight default link snnTodo Todo
highlight default link snnComment Comment

let b:current_syntax = 'snn'

let &cpo = s:cpo_save
unlet s:cpo_save
