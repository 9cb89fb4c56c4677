module cphoracle

go 1.22
