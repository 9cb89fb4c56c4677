module example.com/cph-go-module

go 1.24
