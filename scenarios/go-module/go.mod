module example.com/differential

go 1.24
