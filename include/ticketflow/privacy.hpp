#pragma once
/// @file privacy.hpp
/// @brief Personal data (PII) detection and masking, field policies and the contact vault.
///
/// The SOPs forbid keeping customers' real names, phone numbers and ID numbers in tickets
/// (保密原则, seeds 000 and 002). Free text is therefore passed through a PrivacyPolicy at
/// intake, before it reaches the store, notifications or reports; contact details the host
/// must keep go to a ContactVault and the ticket holds only an opaque token.
///
/// What is detected, the masking shapes and the known limits are described in
/// `docs/privacy.md`.

#include "ticketflow/export.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ticketflow {

/// @brief Kinds of personal data the library recognises.
enum class PiiKind : unsigned char {
    mobile,    ///< Mainland mobile number, 11 digits starting 13–19, e.g. `138****5678`.
    landline,  ///< Fixed-line number with area code, e.g. `010-******78`.
    id_number, ///< 18-character resident ID number, e.g. `110105********1234`.
    bank_card, ///< Bank card number (13–19 digits, Luhn-valid), e.g. `************1234`.
    email,     ///< E-mail address, e.g. `z***@example.com`.
    name,      ///< A personal name in a field declared as a name (see FieldAction::mask_name).
};

/// @brief Number of PiiKind values.
inline constexpr std::size_t pii_kind_count = 6;

/// @brief Stable lower-case name, e.g. `"id_number"`.
TICKETFLOW_API const char* to_string(PiiKind kind) noexcept;

/// @brief What was found in a text: counts per kind, never the values themselves.
///
/// Safe to log and to put in audit events: it carries no personal data.
class TICKETFLOW_API PiiReport {
public:
    /// @brief Number of items of @p kind found.
    std::uint32_t count(PiiKind kind) const noexcept { return counts_[static_cast<std::size_t>(kind)]; }
    /// @brief Number of items of all kinds found.
    std::uint32_t total() const noexcept;
    /// @brief True when nothing was found.
    bool empty() const noexcept { return total() == 0; }
    /// @brief Records @p n more items of @p kind.
    void add(PiiKind kind, std::uint32_t n = 1) noexcept { counts_[static_cast<std::size_t>(kind)] += n; }
    /// @brief Adds the counts of @p other (e.g. to total the fields of one ticket).
    PiiReport& operator+=(const PiiReport& other) noexcept;
    /// @brief English summary for audit trails, e.g. `"2 mobile numbers, 1 e-mail address"`;
    /// `"no personal data"` when empty.
    std::string summary() const;

    /// @brief Equal when every count is equal.
    friend bool operator==(const PiiReport& a, const PiiReport& b) noexcept { return a.counts_ == b.counts_; }
    /// @brief Not equal when some count differs.
    friend bool operator!=(const PiiReport& a, const PiiReport& b) noexcept { return !(a == b); }

private:
    std::array<std::uint32_t, pii_kind_count> counts_{};
};

/// @brief A masked text and what was masked in it.
struct MaskResult {
    std::string text; ///< The input with every detected item masked.
    PiiReport report; ///< What was masked.
};

/// @brief Finds and masks personal data in UTF-8 free text.
///
/// Detects mobile numbers, landlines, resident ID numbers, bank card numbers and e-mail
/// addresses (see PiiKind), in ASCII or full-width digits, with spaces or dashes between
/// digit groups and with `+86` / `0086` prefixes (also glued: `+86138 1234 5678`,
/// `+8610 1234 5678`, `+86 (0)10 …`). ID numbers and card numbers are only reported when
/// their check digit validates. A number glued to other digits or to ASCII letters (order
/// numbers such as `DD2024052012345`) is never matched in part, except after a phone
/// label such as `TEL13812345678`. Masking keeps
/// every byte that is not a masked digit, so separators, prefixes and the surrounding text
/// are unchanged; each hidden digit becomes one ASCII `*`.
///
/// One pass over the bytes, no regular expressions; invalid UTF-8 is passed through as is.
///
/// Thread-safety: the scanner has no state; one instance may be used by any number of
/// threads at once.
///
/// @snippet header_examples_test.cpp pii-mask
class TICKETFLOW_API PiiScanner {
public:
    /// @brief Reports what @p text contains without copying it. Never allocates.
    PiiReport scan(std::string_view text) const noexcept;
    /// @brief Returns @p text with every detected item masked, and what was masked.
    MaskResult mask(std::string_view text) const;
    /// @brief Masks @p text in place; leaves it untouched (and allocates nothing) when it
    /// contains no personal data.
    PiiReport mask_in_place(std::string& text) const;
};

/// @brief Masks a personal name: each whitespace-separated word keeps its first character,
/// every other character becomes one `*`.
///
/// `"张三"` → `"张*"`, `"欧阳娜娜"` → `"欧***"`, `"John Smith"` → `"J*** S****"`. A name of
/// a single character becomes `"*"`, so no whole name is ever kept. Works on UTF-8 code
/// points; an invalid byte counts as one character (and is never copied to the output).
TICKETFLOW_API std::string mask_name(std::string_view name);

/// @brief Says whether an identifier that should be pseudonymous (a customer id, an order
/// number) is itself personal data, and why.
///
/// The SOPs want a pseudonymous customer number in tickets; an identifier that is the
/// customer's phone number, ID number, card number or e-mail address would store that
/// value raw. Checked, in this order:
/// - the whole identifier as one number, ignoring spaces, dashes, dots, parentheses and
///   `+` (ASCII or full-width): a resident ID (check character valid), a bank card number
///   (Luhn and issuer prefix), a mobile number (also after `+86` / `0086`), a landline
///   with area code (`010-12345678`, `+86 10 1234 5678`);
/// - the identifier as free text, with PiiScanner: an e-mail address, or a number of any
///   kind inside other text (`客户13812345678`);
/// - each run of digits glued to letters: a mobile number or resident ID
///   (`C13812345678`, `VIP11010519491231002X`).
///
/// Typical pseudonymous identifiers pass: `C20240520001`, `SO-2024-000123`,
/// `DD2024052012345`, and serials of 4–12 digits that are not shaped like a mobile number
/// or a landline with area code (see `docs/privacy.md` for the known limits).
///
/// @param id the identifier; leading and trailing spaces are ignored.
/// @returns std::nullopt when @p id holds no personal data; otherwise an English phrase
/// to follow the field name, e.g. `"is a mobile phone number"`, `"contains a resident ID
/// number"`, `"is an e-mail address"`. The phrase never contains the value.
TICKETFLOW_API std::optional<std::string> personal_data_in_identifier(std::string_view id);

/// @brief What a PrivacyPolicy does with a field.
enum class FieldAction : unsigned char {
    mask,      ///< Mask detected personal data and keep the rest of the text.
    reject,    ///< Refuse a value that contains personal data (ValidationError).
    mask_name, ///< The whole value is a personal name: replace it by mask_name().
};

/// @brief Stable lower-case name, e.g. `"mask_name"`.
TICKETFLOW_API const char* to_string(FieldAction action) noexcept;

/// @brief Per-field privacy rules: which fields are masked, which refuse personal data.
///
/// A default-constructed policy masks every field. Field names are the host's dotted paths,
/// e.g. `"description"`, `"remarks"`, `"resolution"`, `"customer.nickname"`.
///
/// Thread-safety: a value type. Concurrent const calls (apply(), action_for()) are safe;
/// set() must not race with any other call on the same object.
///
/// @snippet header_examples_test.cpp privacy-policy
class TICKETFLOW_API PrivacyPolicy {
public:
    /// @brief A policy that masks every field.
    PrivacyPolicy() = default;
    /// @brief A policy that applies @p default_action to every field not set().
    explicit PrivacyPolicy(FieldAction default_action) noexcept : default_action_(default_action) {}

    /// @brief Sets the action for @p field. @throws ValidationError when @p field is empty.
    PrivacyPolicy& set(std::string field, FieldAction action);
    /// @brief The action for @p field: the one set(), else the default action.
    FieldAction action_for(std::string_view field) const;
    /// @brief The action for fields that were not set().
    FieldAction default_action() const noexcept { return default_action_; }

    /// @brief Applies the field's action to @p text.
    /// @returns the text to store and what was masked in it.
    /// @throws ValidationError naming @p field and the kinds and counts found, when the
    /// field's action is FieldAction::reject and @p text contains personal data. The
    /// message never contains the personal data itself.
    MaskResult apply(std::string_view field, std::string_view text) const;
    /// @brief Like apply(), but rewrites @p text in place; on ValidationError @p text is
    /// unchanged. Allocates nothing when there is nothing to mask.
    PiiReport apply_in_place(std::string_view field, std::string& text) const;

private:
    FieldAction default_action_ = FieldAction::mask;
    std::map<std::string, FieldAction, std::less<>> fields_;
};

/// @brief Contact details a host has to keep (for call-backs, 回访), held outside tickets.
struct Contact {
    std::string name;    ///< Real name, if the host must keep it.
    std::string phone;   ///< Phone number.
    std::string email;   ///< E-mail address.
    std::string address; ///< Postal address, e.g. for returns and pick-ups.

    /// @brief True when every field is empty.
    bool empty() const noexcept { return name.empty() && phone.empty() && email.empty() && address.empty(); }
    /// @brief Field-wise equality.
    friend bool operator==(const Contact& a, const Contact& b) {
        return a.name == b.name && a.phone == b.phone && a.email == b.email && a.address == b.address;
    }
    /// @brief Field-wise inequality.
    friend bool operator!=(const Contact& a, const Contact& b) { return !(a == b); }
};

/// @brief Where contact details live; tickets keep only the token store() returns
/// (CustomerRef::contact_token).
///
/// The host implements it on top of its own protected storage (encrypted column, secrets
/// service, CRM), so that access to contact details is controlled and audited in one place.
///
/// Contract for implementations:
/// - Tokens are opaque ASCII strings of at most 64 bytes. They must not be derived from the
///   contact's content (a hash of a phone number is easily reversed) and should contain no
///   digit runs, so they can never look like a phone number in logs.
/// - reveal() of a token that store() never returned, or that was erased, throws NotFound.
/// - Thread-safety: must be thread-safe; a ServiceDesk may call it from every thread that
///   issues commands.
///
/// Ownership: the host owns the vault; whatever holds a reference to it must not outlive it.
///
/// @snippet header_examples_test.cpp crm-vault
class TICKETFLOW_API ContactVault {
public:
    virtual ~ContactVault() = default;

    /// @brief Keeps @p contact and returns a new token for it.
    /// REQUIRES: `!contact.empty()`; implementations throw ValidationError otherwise.
    virtual std::string store(const Contact& contact) = 0;
    /// @brief The contact stored under @p token. @throws NotFound for an unknown token.
    virtual Contact reveal(const std::string& token) const = 0;
    /// @brief Forgets the contact under @p token (retention end, customer request).
    /// @returns false when the token was unknown.
    virtual bool erase(const std::string& token) = 0;
};

/// @brief In-memory ContactVault for tests, demos and embedded hosts without other storage.
///
/// Tokens look like `ct_` followed by 16 lower-case letters (no digits). They come from a
/// 64-bit mixing function of the seed and a counter: they look random and are unique for a
/// given vault, and the same seed gives the same sequence (reproducible tests). They are NOT
/// cryptographically unguessable; a production vault should draw tokens from a CSPRNG.
/// Contacts are kept in plain memory and lost on destruction.
///
/// Thread-safety: all members may be called concurrently (one internal mutex).
class TICKETFLOW_API MemoryContactVault final : public ContactVault {
public:
    /// @brief A vault whose token sequence is seeded from std::random_device.
    MemoryContactVault();
    /// @brief A vault whose token sequence is fully determined by @p seed.
    explicit MemoryContactVault(std::uint64_t seed) noexcept : seed_(seed) {}

    /// @copydoc ContactVault::store
    std::string store(const Contact& contact) override;
    /// @copydoc ContactVault::reveal
    Contact reveal(const std::string& token) const override;
    /// @copydoc ContactVault::erase
    bool erase(const std::string& token) override;
    /// @brief Number of contacts held.
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::uint64_t seed_;
    std::uint64_t issued_ = 0;
    std::unordered_map<std::string, Contact> contacts_;
};

} // namespace ticketflow
