//! What a change is: its kind, its class (breaking or compatible) and the
//! version bump a set of changes implies.

/// Whether a change can break code that compiled against the old crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code using the old surface may stop compiling (or mean something else).
    Breaking,
    /// Code using the old surface still compiles and means the same.
    Compatible,
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A new API module (`Client::flex_v2()`).
    ApiAdded,
    /// An API module is gone.
    ApiRemoved,
    /// A new accessor chain to a handle.
    HandleAdded,
    /// An accessor chain is gone.
    HandleRemoved,
    /// The handle type at a chain has another name.
    HandleRenamed,
    /// A new operation.
    OperationAdded,
    /// An operation is gone.
    OperationRemoved,
    /// An operation's builder type has another name.
    BuilderRenamed,
    /// An operation returns another type.
    OutputChanged,
    /// A new required parameter (argument of the verb).
    ArgumentAdded,
    /// A required parameter is gone.
    ArgumentRemoved,
    /// The verb takes the same arguments in another order.
    ArgumentsReordered,
    /// A new optional parameter (setter).
    SetterAdded,
    /// An optional parameter is gone.
    SetterRemoved,
    /// An optional parameter became required: setter → argument.
    BecameRequired,
    /// A required parameter became optional: argument → setter.
    BecameOptional,
    /// A parameter is taken as another type.
    ParameterTypeChanged,
    /// A new struct.
    ModelAdded,
    /// A struct is gone.
    ModelRemoved,
    /// An exhaustive struct (one a request holds) has a new field.
    FieldAdded,
    /// A `#[non_exhaustive]` struct (one no request holds) has a new field.
    NonExhaustiveFieldAdded,
    /// A struct became `#[non_exhaustive]` (no request holds it any more).
    BecameNonExhaustive,
    /// A struct is no longer `#[non_exhaustive]` (a request now holds it).
    BecameExhaustive,
    /// A struct field is gone.
    FieldRemoved,
    /// A struct field has another type (including `Option` added or removed).
    FieldTypeChanged,
    /// A struct now implements `Default`.
    DefaultAdded,
    /// A struct no longer implements `Default`.
    DefaultRemoved,
    /// A new enum.
    EnumAdded,
    /// An enum is gone.
    EnumRemoved,
    /// An enum has a new value.
    EnumValueAdded,
    /// An enum value is gone.
    EnumValueRemoved,
    /// A new type alias.
    AliasAdded,
    /// A type alias is gone.
    AliasRemoved,
    /// A type alias stands for another type.
    AliasChanged,
    /// A new union.
    UnionAdded,
    /// A union is gone.
    UnionRemoved,
    /// A union has a new variant.
    VariantAdded,
    /// A union variant is gone.
    VariantRemoved,
    /// A union variant holds another type.
    VariantTypeChanged,
    /// A union variant is selected by other discriminator values (or is now
    /// selected by one, or no longer).
    VariantTagChanged,
    /// A union's untagged variants are tried in another order.
    VariantsReordered,
    /// A union gained `impl From<T>` for a variant it already had.
    ConversionAdded,
    /// A union lost `impl From<T>` for a variant it still has (another variant now
    /// has the same Rust type).
    ConversionRemoved,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [Kind] = &[
        Kind::ApiAdded,
        Kind::ApiRemoved,
        Kind::HandleAdded,
        Kind::HandleRemoved,
        Kind::HandleRenamed,
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::BuilderRenamed,
        Kind::OutputChanged,
        Kind::ArgumentAdded,
        Kind::ArgumentRemoved,
        Kind::ArgumentsReordered,
        Kind::SetterAdded,
        Kind::SetterRemoved,
        Kind::BecameRequired,
        Kind::BecameOptional,
        Kind::ParameterTypeChanged,
        Kind::ModelAdded,
        Kind::ModelRemoved,
        Kind::FieldAdded,
        Kind::NonExhaustiveFieldAdded,
        Kind::BecameNonExhaustive,
        Kind::BecameExhaustive,
        Kind::FieldRemoved,
        Kind::FieldTypeChanged,
        Kind::DefaultAdded,
        Kind::DefaultRemoved,
        Kind::EnumAdded,
        Kind::EnumRemoved,
        Kind::EnumValueAdded,
        Kind::EnumValueRemoved,
        Kind::AliasAdded,
        Kind::AliasRemoved,
        Kind::AliasChanged,
        Kind::UnionAdded,
        Kind::UnionRemoved,
        Kind::VariantAdded,
        Kind::VariantRemoved,
        Kind::VariantTypeChanged,
        Kind::VariantTagChanged,
        Kind::VariantsReordered,
        Kind::ConversionAdded,
        Kind::ConversionRemoved,
    ];

    /// How the change is classed.
    pub fn class(self) -> Class {
        use Kind::*;
        match self {
            ApiAdded
            | HandleAdded
            | OperationAdded
            | SetterAdded
            | ModelAdded
            | DefaultAdded
            | EnumAdded
            | EnumValueAdded
            | AliasAdded
            | UnionAdded
            | VariantAdded
            | ConversionAdded
            | NonExhaustiveFieldAdded
            | BecameExhaustive => Class::Compatible,
            ApiRemoved | HandleRemoved | HandleRenamed | OperationRemoved | BuilderRenamed
            | OutputChanged | ArgumentAdded | ArgumentRemoved | ArgumentsReordered
            | SetterRemoved | BecameRequired | BecameOptional | ParameterTypeChanged
            | ModelRemoved | FieldAdded | BecameNonExhaustive | FieldRemoved | FieldTypeChanged
            | DefaultRemoved | EnumRemoved | EnumValueRemoved | AliasRemoved | AliasChanged
            | UnionRemoved | VariantRemoved | VariantTypeChanged | VariantTagChanged
            | VariantsReordered | ConversionRemoved => Class::Breaking,
        }
    }

    /// A short label for the report.
    pub fn label(self) -> &'static str {
        use Kind::*;
        match self {
            ApiAdded => "API added",
            ApiRemoved => "API removed",
            HandleAdded => "handle added",
            HandleRemoved => "handle removed",
            HandleRenamed => "handle type renamed",
            OperationAdded => "operation added",
            OperationRemoved => "operation removed",
            BuilderRenamed => "builder type renamed",
            OutputChanged => "output type changed",
            ArgumentAdded => "required parameter added",
            ArgumentRemoved => "required parameter removed",
            ArgumentsReordered => "arguments reordered",
            SetterAdded => "optional parameter added",
            SetterRemoved => "optional parameter removed",
            BecameRequired => "parameter now required",
            BecameOptional => "parameter now optional",
            ParameterTypeChanged => "parameter type changed",
            ModelAdded => "model added",
            ModelRemoved => "model removed",
            FieldAdded => "field added to exhaustive model",
            NonExhaustiveFieldAdded => "field added to non-exhaustive model",
            BecameNonExhaustive => "model now `#[non_exhaustive]`",
            BecameExhaustive => "model no longer `#[non_exhaustive]`",
            FieldRemoved => "model field removed",
            FieldTypeChanged => "model field type changed",
            DefaultAdded => "model now `Default`",
            DefaultRemoved => "model no longer `Default`",
            EnumAdded => "enum added",
            EnumRemoved => "enum removed",
            EnumValueAdded => "enum value added",
            EnumValueRemoved => "enum value removed",
            AliasAdded => "alias added",
            AliasRemoved => "alias removed",
            AliasChanged => "alias type changed",
            UnionAdded => "union added",
            UnionRemoved => "union removed",
            VariantAdded => "union variant added",
            VariantRemoved => "union variant removed",
            VariantTypeChanged => "union variant type changed",
            VariantTagChanged => "union variant tag changed",
            VariantsReordered => "union variants reordered",
            ConversionAdded => "union `From` added",
            ConversionRemoved => "union `From` removed",
        }
    }
}

/// One change to the public surface.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The API module (`flex_v1`).
    pub module: String,
    /// What changed.
    pub kind: Kind,
    /// The Rust path a user writes: `flex_v1().interactions().create` (operation),
    /// `….create(channel)` (argument), `….create(..).routing(_)` (setter),
    /// `flex_v1::models::Interaction.sid` (field), `flex_v1::models::Status::Closed`
    /// (enum value or union variant), `flex_v1::models::Value::from(String)`
    /// (a union's `From` conversion).
    pub path: String,
    /// The types or values involved.
    pub detail: String,
}

impl Change {
    /// How the change is classed.
    pub fn class(&self) -> Class {
        self.kind.class()
    }
}

/// The version bump a set of changes implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// No change to the public API.
    Patch,
    /// Only compatible additions.
    Minor,
    /// At least one breaking change.
    Major,
}

impl Bump {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}
