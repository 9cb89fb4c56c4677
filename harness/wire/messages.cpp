#include "wire/messages.hpp"

namespace cph::wire {

const char* dialect_name(Dialect d) {
  switch (d) {
    case Dialect::object_id: return "go1.21";
    case Dialect::output_and_object_id: return "go1.24+objectid";
    case Dialect::output_id: return "go1.25";
  }
  return "unknown";
}

}  // namespace cph::wire
