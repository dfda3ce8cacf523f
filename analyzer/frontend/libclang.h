/* libclang, loaded when racelint first needs it. racelint does not link
 * libclang: loading it (and LLVM behind it) costs about 25 ms of
 * relocations and static constructors, more than a whole re-run that finds
 * every unit's facts in the cache. So libclang is opened with dlopen the
 * first time a unit must be parsed (or its version is asked for), from the
 * file the build found (RL_LIBCLANG_PATH), and its entry points are called
 * through the table rl_clang.
 *
 * Every frontend file includes this header instead of <clang-c/Index.h>:
 * after it, a call spelled clang_getCursorKind(c) is a call through
 * rl_clang.clang_getCursorKind, so the walkers read as plain libclang code.
 *
 * Invariants:
 *  1. No entry of rl_clang is called before rl_frontend_load returned 0;
 *     rl_frontend_extract loads it first, and the parent process loads it
 *     before it forks parsing workers, so they inherit it.
 *  2. RL_LIBCLANG_FUNCTIONS lists every libclang function racelint calls; a
 *     call of one not listed is a link error, not a crash (libclang is not
 *     linked).
 *  3. Loading happens once per process (pthread_once); a failed load is
 *     remembered with its message and not retried. */
#ifndef RL_LIBCLANG_H
#define RL_LIBCLANG_H
#include <clang-c/Index.h>

#define RL_LIBCLANG_FUNCTIONS(X) \
    X(clang_Cursor_Evaluate) \
    X(clang_Cursor_getArgument) \
    X(clang_Cursor_getNumArguments) \
    X(clang_Cursor_getStorageClass) \
    X(clang_Cursor_isBitField) \
    X(clang_Cursor_isNull) \
    X(clang_EvalResult_dispose) \
    X(clang_EvalResult_getAsLongLong) \
    X(clang_EvalResult_getKind) \
    X(clang_File_isEqual) \
    X(clang_File_tryGetRealPathName) \
    X(clang_Location_isInSystemHeader) \
    X(clang_Type_getValueType) \
    X(clang_Type_visitFields) \
    X(clang_createIndex) \
    X(clang_disposeDiagnostic) \
    X(clang_disposeIndex) \
    X(clang_disposeString) \
    X(clang_disposeTokens) \
    X(clang_disposeTranslationUnit) \
    X(clang_equalCursors) \
    X(clang_equalLocations) \
    X(clang_equalRanges) \
    X(clang_getArgType) \
    X(clang_getArrayElementType) \
    X(clang_getArraySize) \
    X(clang_getCString) \
    X(clang_getCanonicalCursor) \
    X(clang_getCanonicalType) \
    X(clang_getClangVersion) \
    X(clang_getCursorBinaryOperatorKind) \
    X(clang_getCursorDefinition) \
    X(clang_getCursorExtent) \
    X(clang_getCursorKind) \
    X(clang_getCursorLinkage) \
    X(clang_getCursorLocation) \
    X(clang_getCursorReferenced) \
    X(clang_getCursorSemanticParent) \
    X(clang_getCursorSpelling) \
    X(clang_getCursorTLSKind) \
    X(clang_getCursorType) \
    X(clang_getCursorUSR) \
    X(clang_getCursorUnaryOperatorKind) \
    X(clang_getDiagnostic) \
    X(clang_getDiagnosticLocation) \
    X(clang_getDiagnosticSeverity) \
    X(clang_getDiagnosticSpelling) \
    X(clang_getExpansionLocation) \
    X(clang_getFieldDeclBitWidth) \
    X(clang_getFileContents) \
    X(clang_getFileName) \
    X(clang_getInclusions) \
    X(clang_getLocationForOffset) \
    X(clang_getNullCursor) \
    X(clang_getNullLocation) \
    X(clang_getNumArgTypes) \
    X(clang_getNumDiagnostics) \
    X(clang_getPointeeType) \
    X(clang_getRange) \
    X(clang_getRangeEnd) \
    X(clang_getRangeStart) \
    X(clang_getResultType) \
    X(clang_getSpellingLocation) \
    X(clang_getTokenLocation) \
    X(clang_getTokenSpelling) \
    X(clang_getTranslationUnitCursor) \
    X(clang_getTypeDeclaration) \
    X(clang_getTypeSpelling) \
    X(clang_hashCursor) \
    X(clang_isAttribute) \
    X(clang_isCursorDefinition) \
    X(clang_isDeclaration) \
    X(clang_isExpression) \
    X(clang_isStatement) \
    X(clang_isVolatileQualifiedType) \
    X(clang_parseTranslationUnit2) \
    X(clang_tokenize) \
    X(clang_visitChildren)

/* The loaded entry points, named as libclang names them. */
typedef struct rl_libclang_api {
#define RL_LIBCLANG_ENTRY(name) __typeof__(name) *name;
    RL_LIBCLANG_FUNCTIONS(RL_LIBCLANG_ENTRY)
#undef RL_LIBCLANG_ENTRY
} rl_libclang_api;

extern rl_libclang_api rl_clang;

/* Loading it, and what identifies it, are the frontend's interface
 * (frontend.h: rl_frontend_load, rl_frontend_libclang_identity,
 * rl_frontend_libclang_path), implemented in libclang.c. */

#ifndef RL_LIBCLANG_LOADER
/* Calls read as libclang calls. A macro does not expand within its own
 * expansion, so each member keeps libclang's name. libclang.c, which fills
 * the table, defines RL_LIBCLANG_LOADER and names the members itself. */
#define clang_Cursor_Evaluate rl_clang.clang_Cursor_Evaluate
#define clang_Cursor_getArgument rl_clang.clang_Cursor_getArgument
#define clang_Cursor_getNumArguments rl_clang.clang_Cursor_getNumArguments
#define clang_Cursor_getStorageClass rl_clang.clang_Cursor_getStorageClass
#define clang_Cursor_isBitField rl_clang.clang_Cursor_isBitField
#define clang_Cursor_isNull rl_clang.clang_Cursor_isNull
#define clang_EvalResult_dispose rl_clang.clang_EvalResult_dispose
#define clang_EvalResult_getAsLongLong rl_clang.clang_EvalResult_getAsLongLong
#define clang_EvalResult_getKind rl_clang.clang_EvalResult_getKind
#define clang_File_isEqual rl_clang.clang_File_isEqual
#define clang_File_tryGetRealPathName rl_clang.clang_File_tryGetRealPathName
#define clang_Location_isInSystemHeader rl_clang.clang_Location_isInSystemHeader
#define clang_Type_getValueType rl_clang.clang_Type_getValueType
#define clang_Type_visitFields rl_clang.clang_Type_visitFields
#define clang_createIndex rl_clang.clang_createIndex
#define clang_disposeDiagnostic rl_clang.clang_disposeDiagnostic
#define clang_disposeIndex rl_clang.clang_disposeIndex
#define clang_disposeString rl_clang.clang_disposeString
#define clang_disposeTokens rl_clang.clang_disposeTokens
#define clang_disposeTranslationUnit rl_clang.clang_disposeTranslationUnit
#define clang_equalCursors rl_clang.clang_equalCursors
#define clang_equalLocations rl_clang.clang_equalLocations
#define clang_equalRanges rl_clang.clang_equalRanges
#define clang_getArgType rl_clang.clang_getArgType
#define clang_getArrayElementType rl_clang.clang_getArrayElementType
#define clang_getArraySize rl_clang.clang_getArraySize
#define clang_getCString rl_clang.clang_getCString
#define clang_getCanonicalCursor rl_clang.clang_getCanonicalCursor
#define clang_getCanonicalType rl_clang.clang_getCanonicalType
#define clang_getClangVersion rl_clang.clang_getClangVersion
#define clang_getCursorBinaryOperatorKind rl_clang.clang_getCursorBinaryOperatorKind
#define clang_getCursorDefinition rl_clang.clang_getCursorDefinition
#define clang_getCursorExtent rl_clang.clang_getCursorExtent
#define clang_getCursorKind rl_clang.clang_getCursorKind
#define clang_getCursorLinkage rl_clang.clang_getCursorLinkage
#define clang_getCursorLocation rl_clang.clang_getCursorLocation
#define clang_getCursorReferenced rl_clang.clang_getCursorReferenced
#define clang_getCursorSemanticParent rl_clang.clang_getCursorSemanticParent
#define clang_getCursorSpelling rl_clang.clang_getCursorSpelling
#define clang_getCursorTLSKind rl_clang.clang_getCursorTLSKind
#define clang_getCursorType rl_clang.clang_getCursorType
#define clang_getCursorUSR rl_clang.clang_getCursorUSR
#define clang_getCursorUnaryOperatorKind rl_clang.clang_getCursorUnaryOperatorKind
#define clang_getDiagnostic rl_clang.clang_getDiagnostic
#define clang_getDiagnosticLocation rl_clang.clang_getDiagnosticLocation
#define clang_getDiagnosticSeverity rl_clang.clang_getDiagnosticSeverity
#define clang_getDiagnosticSpelling rl_clang.clang_getDiagnosticSpelling
#define clang_getExpansionLocation rl_clang.clang_getExpansionLocation
#define clang_getFieldDeclBitWidth rl_clang.clang_getFieldDeclBitWidth
#define clang_getFileContents rl_clang.clang_getFileContents
#define clang_getFileName rl_clang.clang_getFileName
#define clang_getInclusions rl_clang.clang_getInclusions
#define clang_getLocationForOffset rl_clang.clang_getLocationForOffset
#define clang_getNullCursor rl_clang.clang_getNullCursor
#define clang_getNullLocation rl_clang.clang_getNullLocation
#define clang_getNumArgTypes rl_clang.clang_getNumArgTypes
#define clang_getNumDiagnostics rl_clang.clang_getNumDiagnostics
#define clang_getPointeeType rl_clang.clang_getPointeeType
#define clang_getRange rl_clang.clang_getRange
#define clang_getRangeEnd rl_clang.clang_getRangeEnd
#define clang_getRangeStart rl_clang.clang_getRangeStart
#define clang_getResultType rl_clang.clang_getResultType
#define clang_getSpellingLocation rl_clang.clang_getSpellingLocation
#define clang_getTokenLocation rl_clang.clang_getTokenLocation
#define clang_getTokenSpelling rl_clang.clang_getTokenSpelling
#define clang_getTranslationUnitCursor rl_clang.clang_getTranslationUnitCursor
#define clang_getTypeDeclaration rl_clang.clang_getTypeDeclaration
#define clang_getTypeSpelling rl_clang.clang_getTypeSpelling
#define clang_hashCursor rl_clang.clang_hashCursor
#define clang_isAttribute rl_clang.clang_isAttribute
#define clang_isCursorDefinition rl_clang.clang_isCursorDefinition
#define clang_isDeclaration rl_clang.clang_isDeclaration
#define clang_isExpression rl_clang.clang_isExpression
#define clang_isStatement rl_clang.clang_isStatement
#define clang_isVolatileQualifiedType rl_clang.clang_isVolatileQualifiedType
#define clang_parseTranslationUnit2 rl_clang.clang_parseTranslationUnit2
#define clang_tokenize rl_clang.clang_tokenize
#define clang_visitChildren rl_clang.clang_visitChildren
#endif

#endif
