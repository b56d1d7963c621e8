#pragma once
// The Mondial Relay WSI service's own checks, as the simulator reproduces them: the Security hash
// and the parameter rules of WSI2_CreationEtiquette with the STAT code each failure returns.
// Written independently of adapters/mondialrelay so that an adapter bug is not mirrored here.
// Pure functions, thread-safe.

#include <array>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parcelgate::sim::mondialrelay {

// Received parameter values by name; a parameter absent from the request is absent here.
using wsi_params = std::map<std::string, std::string, std::less<>>;

// WSI2_CreationEtiquette parameters in WSDL order (Security and Texte last).
inline constexpr std::array<std::string_view, 47> kCreationOrder = {
    "Enseigne",  "ModeCol",      "ModeLiv",      "NDossier",   "NClient",      "Expe_Langage",
    "Expe_Ad1",  "Expe_Ad2",     "Expe_Ad3",     "Expe_Ad4",   "Expe_Ville",   "Expe_CP",
    "Expe_Pays", "Expe_Tel1",    "Expe_Tel2",    "Expe_Mail",  "Dest_Langage", "Dest_Ad1",
    "Dest_Ad2",  "Dest_Ad3",     "Dest_Ad4",     "Dest_Ville", "Dest_CP",      "Dest_Pays",
    "Dest_Tel1", "Dest_Tel2",    "Dest_Mail",    "Poids",      "Longueur",     "Taille",
    "NbColis",   "CRT_Valeur",   "CRT_Devise",   "Exp_Valeur", "Exp_Devise",   "COL_Rel_Pays",
    "COL_Rel",   "LIV_Rel_Pays", "LIV_Rel",      "TAvisage",   "TReprise",     "Montage",
    "TRDV",      "Assurance",    "Instructions", "Security",   "Texte"};

inline constexpr std::array<std::string_view, 4> kTracingOrder = {"Enseigne", "Expedition",
                                                                  "Langue", "Security"};

// Uppercase hex MD5 over the ISO-8859-1 encoding of the values of `order` (absent = empty),
// Security and Texte skipped, followed by the private key. Characters outside Latin-1 become '?',
// as the service's encoder does.
std::string expected_security(const wsi_params& params, std::span<const std::string_view> order,
                              std::string_view private_key);

// 0 when the parameters would buy a label, 60 when they would but Texte is invalid (not blocking),
// otherwise the STAT the service answers. Credentials and Security are checked by the caller.
int check_creation(const wsi_params& params);

// Countries the simulated network serves.
bool served_country(std::string_view country);

}  // namespace parcelgate::sim::mondialrelay
