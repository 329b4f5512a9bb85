print("gemm-bench")
