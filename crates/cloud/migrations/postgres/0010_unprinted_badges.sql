-- A badge the kiosk could not print is sent to the cloud too, for reception to print.
ALTER TABLE visit_documents DROP CONSTRAINT visit_documents_kind_check;
ALTER TABLE visit_documents ADD CONSTRAINT visit_documents_kind_check
    CHECK (kind IN ('signed_nda', 'photo', 'unprinted_badge'));
