#pragma once
// The adapters compiled into this build, generated from the folders under adapters/.

#include <span>
#include <string_view>

#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters {

struct builtin_adapter {
  std::string_view id;
  carriers::adapter_factory make;
};

std::span<const builtin_adapter> builtin_adapters() noexcept;

}  // namespace parcelgate::adapters
