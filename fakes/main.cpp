// cph-fake entry point (the fake's implementation is being written: see issue 3).
#include <cstdio>
int main() {
  std::fputs("cph-fake: not built yet\n", stderr);
  return 2;
}
