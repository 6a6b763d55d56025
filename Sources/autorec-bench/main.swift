import ArgumentParser
import AutoRec
import RecData
import RecMath

print("autorec-bench: no benchmarks yet")
