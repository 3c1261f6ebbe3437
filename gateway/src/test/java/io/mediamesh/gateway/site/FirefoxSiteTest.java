package io.mediamesh.gateway.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.FirefoxBidi;
import io.mediamesh.gateway.testing.Mesh;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web site in Debian's Firefox ESR (over WebDriver BiDi) against the real mesh: the home
 * page's empty state, sign up through the form (a refused password shown next to its field first),
 * create a video and upload the ffmpeg clip through the page's tus uploader, see it ready, watch
 * it (it seeks and plays), comment; screenshots of home, the user's page and the watch page at
 * phone and desktop width (target/screenshots/*-firefox.png); delete the comment, and the video
 * after a confirm; sign out and in again. No page logs an error or throws, and nothing is
 * requested outside the gateway's origin and its file server's (where /stream/videos/:vid
 * redirects the player).
 */
class FirefoxSiteTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    @BeforeAll
    static void makeClip() throws Exception {
        SiteBrowserTest.makeClip();
    }

    @Test
    void aNewPersonSignsUpUploadsWatchesAndCommentsInFirefox() throws Exception {
        String site = mesh.gatewayUri();
        String files = "http://127.0.0.1:" + mesh.filesPort();
        try (FirefoxBidi firefox = new FirefoxBidi()) {
            firefox.setViewport(Viewport.DESKTOP);
            firefox.navigate(site + "/");
            firefox.waitForText("main", "No videos yet. Sign up and upload the first one.");
            // The watch on errors works (so that its being empty at the end means something).
            firefox.call("() => console.error('probe')");
            Await.until("the probe's console error", () -> !firefox.takeProblems().isEmpty());

            firefox.click("#account a", "Sign up");
            firefox.waitUntil("() => location.pathname === '/signup'");
            firefox.fill("input[name=user_name]", "fox_ann");
            firefox.fill("input[name=pwd]", "short");
            firefox.click("form button[type=submit]", "Create account");
            firefox.waitForText("#f-pwd-error", "INVALID_PASSWORD");
            submitAccountForm(firefox, "Create account");
            firefox.waitForText("main", "You have no videos yet.");

            firefox.fill("form.create input[name=name]", "Firefox pattern");
            firefox.fill("form.create textarea[name=description]", "Colour bars, watched in Firefox.");
            firefox.click("form.create button", "Create");
            firefox.waitUntil("() => document.querySelector('.new-upload .uploader input[type=file]') !== null");
            firefox.setFiles(".new-upload .uploader input[type=file]", SiteBrowserTest.CLIP);
            firefox.click(".new-upload .uploader button", "Upload");
            firefox.waitForText(".new-upload .upload-status", "Ready to watch.");
            firefox.waitForText(".new-upload .figures", "(100%)");

            firefox.click(".cards a", "Firefox pattern");
            firefox.waitUntil("() => /^\\/v\\/\\d+$/.test(location.pathname)");
            String watch = firefox.url();
            firefox.waitForText(".details h1", "Firefox pattern");
            firefox.waitForText(".details .meta", "fox_ann");
            firefox.waitUntil("() => { const v = document.querySelector('video'); return v && v.readyState >= 2; }");
            // A seek to the middle, then it plays from there. Firefox asks the file server with Range
            // requests (a new one for the seek only if it does not hold those bytes yet: on loopback it
            // may already have read the whole clip), each answered 206.
            firefox.call("() => { const v = document.querySelector('video'); v.currentTime = v.duration / 2; }");
            firefox.waitUntil("() => { const v = document.querySelector('video');" +
                              " return !v.seeking && v.readyState >= 3; }");
            List<String> fileServer = firefox.responses().stream().filter(answer -> answer.contains(files)).toList();
            assertThat(fileServer).as("the file server's answers to the player").isNotEmpty()
                                  .allMatch(answer -> answer.matches("206 " + files +
                                                                     "/stream/videos/\\d+ bytes=\\d+-\\d*"));
            firefox.call("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }");
            firefox.waitUntil("() => { const v = document.querySelector('video');" +
                              " return v.currentTime > v.duration / 2 + 0.5; }");

            firefox.waitForText(".comments", "No comments yet.");
            firefox.fill("textarea[name=content]", "Lovely colours, in Firefox too");
            firefox.click(".comments form button", "Post comment");
            firefox.waitForText(".comment-list .comment .content", "Lovely colours, in Firefox too");
            firefox.waitForText(".comment-list .comment .meta", "fox_ann");

            for (Viewport viewport : Viewport.values()) {
                firefox.setViewport(viewport);
                firefox.navigate(site + "/");
                firefox.waitForText(".cards", "Firefox pattern");
                firefox.screenshot("home", viewport);
                firefox.navigate(site + "/u/fox_ann");
                firefox.waitForText(".cards", "Firefox pattern");
                firefox.screenshot("user-own", viewport);
                firefox.navigate(watch);
                firefox.waitForText(".comment-list", "Lovely colours");
                firefox.waitUntil("() => document.querySelector('video').readyState >= 2");
                firefox.screenshot("watch-own", viewport);
            }

            // Deleting: the comment at once; the video after a confirm, declined first, then accepted.
            firefox.click(".comment-list .comment button", "Delete");
            firefox.waitForText(".comments", "No comments yet.");
            firefox.navigate(site + "/u/fox_ann");
            assertThat(firefox.clickAndAnswerPrompt(".cards button", "Delete", false))
                    .isEqualTo("Delete \"Firefox pattern\"? This cannot be undone.");
            assertThat(firefox.call("() => document.querySelectorAll('.cards .card').length").asInt()).isEqualTo(1);
            firefox.clickAndAnswerPrompt(".cards button", "Delete", true);
            firefox.waitForText("main", "You have no videos yet.");
            assertThat(mesh.rest().get("/api/user/fox_ann/videos").body().get("videos")).isEmpty();

            // Signing out and back in through the header and the form.
            firefox.click("#account button", "Sign out");
            firefox.click("#account a", "Sign in");
            firefox.fill("input[name=user_name]", "fox_ann");
            submitAccountForm(firefox, "Sign in");

            assertThat(firefox.takeProblems()).as("console errors and uncaught exceptions").isEmpty();
            Set<String> siteOrigins = Set.of(site, files);
            assertThat(firefox.requestedUrls()).isNotEmpty()
                                               .allSatisfy(url -> assertThat(origin(url)).as(url).isIn(siteOrigins));
        }
    }

    /** Submits the sign-up or sign-in form with fox_ann's password, and sees her signed in on her page. */
    private static void submitAccountForm(FirefoxBidi firefox, String button) {
        firefox.fill("input[name=pwd]", "a good long password");
        firefox.click("form button[type=submit]", button);
        firefox.waitUntil("() => location.pathname === '/u/fox_ann'");
        firefox.waitForText(".account .me", "fox_ann");
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
