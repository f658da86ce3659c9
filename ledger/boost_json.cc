// The one translation unit that compiles Boost.JSON (header-only mode through src.hpp), so the
// library's definitions are built once and every other file includes declarations only.
#include <boost/json/src.hpp>
