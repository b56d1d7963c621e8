// Writes one sample label per format and size into a directory (default /tmp/labels-samples)
// for visual review: label_samples [directory]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "gateway/labels/label.hpp"

namespace labels = parcelgate::labels;

int main(int argc, char** argv) {
  const std::filesystem::path directory = argc > 1 ? argv[1] : "/tmp/labels-samples";
  std::filesystem::create_directories(directory);
  labels::label_content content;
  content.carrier_name = "Colissimo";
  content.product = "DOM";
  content.tracking_number = "6A15984040331";
  content.sender_lines = {"Boutique Lumière SARL", "12 rue de la République", "69002 Lyon",
                          "France"};
  content.recipient_lines = {"Jeanne Dupont-Müller", "Appartement 4B", "27 avenue Jean Jaurès",
                             "69007 LYON", "FRANCE"};
  content.weight = "1.20 kg";
  content.reference = "ORDER-2024-000123";
  content.routing = "69 VILLEURBANNE";
  content.matrix_code = "6A15984040331|69007|FR|1200";
  content.footer = "SANDBOX - not valid for shipping";

  int failures = 0;
  const struct {
    parcelgate::label_format format;
    const char* extension;
  } formats[] = {{parcelgate::label_format::pdf, "pdf"},
                 {parcelgate::label_format::zpl, "zpl"},
                 {parcelgate::label_format::png, "png"}};
  const struct {
    parcelgate::label_size size;
    const char* name;
  } sizes[] = {{parcelgate::label_size::a6, "a6"},
               {parcelgate::label_size::in4x6, "4x6"},
               {parcelgate::label_size::a4, "a4"}};
  for (const auto& format : formats) {
    for (const auto& size : sizes) {
      if (format.format == parcelgate::label_format::zpl && size.size == parcelgate::label_size::a4)
        continue;
      auto bytes = labels::render(content, format.format, size.size);
      const auto path = directory / (std::string("label-") + size.name + "." + format.extension);
      if (!bytes) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), bytes.error().message.c_str());
        ++failures;
        continue;
      }
      std::ofstream(path, std::ios::binary) << *bytes;
      std::printf("%s (%zu bytes)\n", path.c_str(), bytes->size());
    }
  }
  // Two edge cases: the least a label can carry, and more than fits comfortably.
  labels::label_content minimal;
  minimal.carrier_name = "Local";
  minimal.tracking_number = "LC000123";
  minimal.recipient_lines = {"Sam Lee", "1 Main St", "Springfield"};
  labels::label_content crowded = content;
  crowded.product = "Colissimo Expert International Signature Premium Plus";
  crowded.sender_lines = {"A very long company name that keeps on going Ltd",
                          "Line 2",
                          "Line 3",
                          "Line 4",
                          "Line 5",
                          "Line 6",
                          "Line 7"};
  crowded.recipient_lines = {"Maximilian Alexander von Hohenzollern-Sigmaringen",
                             "c/o Łódź Logistics Sp. z o.o.",
                             "ul. Bardzo Długa Nazwa Ulicy 123/456",
                             "Building C, Floor 7, Door 12",
                             "80-831 Gdańsk",
                             "Pomorskie",
                             "POLAND",
                             "Phone +48 123 456 789"};
  crowded.routing = "PL-80831-GDANSK-HUB-NORTH-7";
  crowded.tracking_number = "00340434161094042557";
  for (const auto& [name, sample] :
       {std::pair{"minimal", &minimal}, std::pair{"crowded", &crowded}}) {
    for (const auto& format : formats) {
      auto bytes = labels::render(*sample, format.format, parcelgate::label_size::a6);
      const auto path = directory / (std::string("label-") + name + "-a6." + format.extension);
      if (!bytes) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), bytes.error().message.c_str());
        ++failures;
        continue;
      }
      std::ofstream(path, std::ios::binary) << *bytes;
      std::printf("%s (%zu bytes)\n", path.c_str(), bytes->size());
    }
  }
  return failures == 0 ? 0 : 1;
}
