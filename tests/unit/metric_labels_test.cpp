// Label text of /metrics: values that come from carriers cannot break the exposition format.

#include <gtest/gtest.h>

#include "gateway/domain/html.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {
namespace {

TEST(MetricLabels, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(telemetry::metric_labels({{"carrier", "inpost"}, {"code", "a\"b\\c\nd"}}),
            "carrier=\"inpost\",code=\"a\\\"b\\\\c\\nd\"");
  EXPECT_EQ(telemetry::metric_labels({}), "");
  EXPECT_EQ(telemetry::metric_labels({{"outcome", ""}}), "outcome=\"\"");
}

TEST(HtmlEscape, MarkupCharactersBecomeEntities) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(html_escape("Dépôt à 9h"), "Dépôt à 9h");
  // XML as the SOAP services write it: an apostrophe stays as it is.
  EXPECT_EQ(xml_escape("COLIS EN COURS D'ACHEMINEMENT <&>\""),
            "COLIS EN COURS D'ACHEMINEMENT &lt;&amp;&gt;&quot;");
}

}  // namespace
}  // namespace parcelgate
