-- The default value of a secret extension is stored encrypted, like the values of secret
-- extensions: encrypted_default_value holds it (AES-256-GCM, bound to its package and key), and
-- default_value stays NULL. A required extension "without default" has neither.

ALTER TABLE package_extensions ADD COLUMN encrypted_default_value bytea;

ALTER TABLE package_extensions
    ADD CONSTRAINT package_extensions_one_default_form
        CHECK (default_value IS NULL OR encrypted_default_value IS NULL),
    ADD CONSTRAINT package_extensions_encrypted_default_is_secret
        CHECK (encrypted_default_value IS NULL OR secret);

-- No new secret extension has a plain default. NOT VALID: defaults stored in plain text before this
-- migration are left to the worker's secret sweep, which encrypts them (the key is not known here).
ALTER TABLE package_extensions
    ADD CONSTRAINT package_extensions_secret_default_encrypted
        CHECK (NOT secret OR default_value IS NULL) NOT VALID;
