namespace cph::fake {
const char* version() { return "0.1.0"; }
}  // namespace cph::fake
