module cphbuggyhelper

go 1.22
