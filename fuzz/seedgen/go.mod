module cacheprog-harness/fuzz/seedgen

go 1.22
