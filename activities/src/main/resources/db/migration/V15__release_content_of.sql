-- Rollback as a new release: a release created with "contentOf": N holds exactly the packages of
-- the pack's release N, under the next release number (instances only ever move to higher
-- numbers). The number it copied is kept, so that the release shows what it rolled back to.
ALTER TABLE releases ADD COLUMN content_of_release_number integer
    CONSTRAINT releases_content_of_positive CHECK (content_of_release_number > 0);
